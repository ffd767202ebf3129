"""A small MLP on a Fashion-MNIST subset, in PyTorch on the CPU, reporting each epoch to sweeper.

    python3 train.py --lr 0.001 --hidden 128 --optimizer adam --epochs 5      # by hand
    npx sweeper run sweep.yaml                                                # as a sweep

Reads Debian's dataset-fashion-mnist (gzipped IDX files in /usr/share/datasets/fashion-mnist,
or --data DIR) with gzip and struct: no torchvision, no download.
"""

import argparse
import copy
import gzip
import os
import struct
import sys

import torch
from torch import nn

try:
    import sweeper_report
except ImportError:  # run by hand from a clone of sweeper: the helper is in ../../python
    sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
    import sweeper_report


def read_idx(path):
    """An IDX file (gzipped or not) as a uint8 tensor of its shape."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    _zero, dtype, dims = struct.unpack(">HBB", data[:4])
    if dtype != 0x08:
        raise ValueError("%s: not an IDX file of unsigned bytes" % path)
    shape = struct.unpack(">" + "I" * dims, data[4 : 4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims :]), dtype=torch.uint8).reshape(shape)


def load(directory, prefix, limit, generator):
    def find(name):
        for candidate in (name + ".gz", name):
            path = os.path.join(directory, candidate)
            if os.path.exists(path):
                return path
        raise FileNotFoundError("no %s(.gz) in %s: apt-get install dataset-fashion-mnist, or pass --data" % (name, directory))

    images = read_idx(find(prefix + "-images-idx3-ubyte"))
    labels = read_idx(find(prefix + "-labels-idx1-ubyte"))
    order = torch.randperm(len(labels), generator=generator)[:limit]
    x = images[order].reshape(len(order), -1).float() / 255.0
    return x, labels[order].long()


def evaluate(model, x, y, loss_fn):
    model.eval()
    with torch.no_grad():
        logits = model(x)
        return (logits.argmax(dim=1) == y).float().mean(), loss_fn(logits, y)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--optimizer", choices=["sgd", "adam"], default="adam")
    parser.add_argument("--beta1", type=float, default=None, help="Adam's beta1 (only Adam trials have it)")
    parser.add_argument("--epochs", type=int, default=None, help="default: SWEEPER_EPOCHS, else 10")
    parser.add_argument("--train-size", type=int, default=6000, help="training images, of which --validation are held out")
    parser.add_argument("--validation", type=float, default=0.1)
    parser.add_argument("--test-size", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    args = parser.parse_args()
    epochs = args.epochs or sweeper_report.epochs() or 10

    # Several runs share one machine's cores (a worker runs as many trials at once as it has
    # slots): one thread each keeps them from oversubscribing the CPU, which slows every run.
    torch.set_num_threads(1)
    seed = sweeper_report.seed()
    torch.manual_seed(seed if seed is not None else 0)
    # The data subset is the same for every trial and repeat: only the model's seed varies.
    data_generator = torch.Generator().manual_seed(0)

    x, y = load(args.data, "train", args.train_size, data_generator)
    n_val = max(1, int(len(y) * args.validation))
    x_val, y_val, x_train, y_train = x[:n_val], y[:n_val], x[n_val:], y[n_val:]
    x_test, y_test = load(args.data, "t10k", args.test_size, data_generator)

    model = nn.Sequential(nn.Linear(784, args.hidden), nn.ReLU(), nn.Linear(args.hidden, 10))
    if args.optimizer == "adam":
        betas = (args.beta1 if args.beta1 is not None else 0.9, 0.999)
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, betas=betas)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    best = (-1.0, 0, None)  # val_accuracy, epoch, weights
    # A run that goes on from an earlier attempt's checkpoint (its worker was lost) loads it and
    # carries on with the next epoch, exactly as if it had never stopped: the model, the
    # optimizer's state, the best epoch so far and the random generator that shuffles.
    folder = sweeper_report.checkpoint_dir()
    first = 1
    if sweeper_report.resume_epoch() is not None:
        state = torch.load(os.path.join(folder, "state.pt"))
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        torch.set_rng_state(state["rng"])
        best = (state["best_accuracy"], state["best_epoch"], state["best_weights"])
        first = state["epoch"] + 1
        print("going on from the checkpoint of epoch %d" % state["epoch"], file=sys.stderr)
    for epoch in range(first, epochs + 1):
        model.train()
        order = torch.randperm(len(y_train))
        total, batches = 0.0, 0
        for start in range(0, len(order), args.batch_size):
            batch = order[start : start + args.batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
            total += loss.item()
            batches += 1
        val_accuracy, val_loss = evaluate(model, x_val, y_val, loss_fn)
        if val_accuracy.item() > best[0]:
            best = (val_accuracy.item(), epoch, copy.deepcopy(model.state_dict()))
        if folder is not None:
            # Saved before the epoch is reported, whole or not at all (a new file renamed over the old).
            state = {
                "epoch": epoch,
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "rng": torch.get_rng_state(),
                "best_accuracy": best[0],
                "best_epoch": best[1],
                "best_weights": best[2],
            }
            torch.save(state, os.path.join(folder, "state.pt.tmp"))
            os.replace(os.path.join(folder, "state.pt.tmp"), os.path.join(folder, "state.pt"))
        try:
            # Tensors are fine: the helper calls .item(). A NaN loss is reported as NaN, and the run fails with that reason.
            sweeper_report.report(epoch, val_accuracy=val_accuracy, val_loss=val_loss, train_loss=total / batches)
        except sweeper_report.Pruned:
            print("pruned after epoch %d" % epoch, file=sys.stderr)
            return 0

    model.load_state_dict(best[2])
    test_accuracy, test_loss = evaluate(model, x_test, y_test, loss_fn)
    sweeper_report.report_final(test_accuracy=test_accuracy, test_loss=test_loss, epoch=best[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
