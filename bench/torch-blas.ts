import { spawnSync } from 'node:child_process';
import { installDebianPackage, type PythonPeer } from './optuna-peer.js';

/**
 * Which BLAS PyTorch's matrix products run on. Debian's python3-torch is built against the
 * generic libblas.so.3, which Debian points at the reference (netlib) BLAS unless an optimised
 * one is installed: there torch.mm on one thread made 6 GFLOP/s on a 512 x 512 product, against
 * 91 with OpenBLAS, on the same AVX-512 machine. A PyTorch user has MKL (pip's wheels) or
 * OpenBLAS; a benchmark against the reference BLAS would flatter us 15-fold on every product.
 */
export interface TorchBlas {
  /** The BLAS library mapped into a process that imported torch, or undefined if none was found. */
  readonly library: string | undefined;
  readonly kind: 'OpenBLAS' | 'MKL' | 'BLIS' | 'reference BLAS' | 'unknown';
}

/** The Debian package that gives the generic libblas.so.3 an optimised implementation. */
export const OPENBLAS_PACKAGE = 'libopenblas0-pthread';

const PROBE = `
import torch
torch.mm(torch.ones(2, 2), torch.ones(2, 2))
with open("/proc/self/maps") as maps:
    names = sorted({line.split()[-1] for line in maps if "blas" in line.lower() or "mkl" in line.lower()})
print("\\n".join(names))
`;

export function torchBlas(peer: PythonPeer & { available: true }): TorchBlas {
  const result = spawnSync(peer.python, ['-c', PROBE], { encoding: 'utf8' });
  const libraries = result.status === 0 ? result.stdout.split('\n').filter((line) => line.startsWith('/')) : [];
  const named = (pattern: RegExp): string | undefined => libraries.find((library) => pattern.test(library));
  const mkl = named(/mkl/i);
  if (mkl) return { library: mkl, kind: 'MKL' };
  const openblas = named(/openblas/i);
  if (openblas) return { library: openblas, kind: 'OpenBLAS' };
  const blis = named(/blis/i);
  if (blis) return { library: blis, kind: 'BLIS' };
  const generic = named(/libblas\.so/);
  if (generic) return { library: generic, kind: 'reference BLAS' };
  return { library: undefined, kind: 'unknown' };
}

/**
 * PyTorch's BLAS, made an optimised one where the benchmark may install packages (a CI
 * container); elsewhere as found, with what to install said by the caller.
 */
export function fastTorchBlas(peer: PythonPeer & { available: true }): TorchBlas {
  const found = torchBlas(peer);
  if (found.kind !== 'reference BLAS') return found;
  console.error(`PyTorch runs on the reference BLAS; installing ${OPENBLAS_PACKAGE} with apt-get ...`);
  return installDebianPackage(OPENBLAS_PACKAGE) ? torchBlas(peer) : found;
}

/** One line for the benchmark's header. */
export function describeTorchBlas(blas: TorchBlas): string {
  const where = blas.library ? `${blas.kind} (${blas.library})` : blas.kind;
  return blas.kind === 'reference BLAS'
    ? `PyTorch's BLAS: ${where}: NOT a fair peer, its products run 10-15x slower than a PyTorch user's; install ${OPENBLAS_PACKAGE}`
    : `PyTorch's BLAS: ${where}`;
}
