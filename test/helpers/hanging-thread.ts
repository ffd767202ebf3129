/**
 * A dataset-check thread that never answers, standing in for a read stuck on a hung file system:
 * only terminate() ends it (it interrupts running JavaScript, though not a stuck system call).
 */
for (;;) {
  // Spin until terminated.
}
