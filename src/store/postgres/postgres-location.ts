/** `--db` values that name a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * The URL as it may be shown (messages, logs, the dashboard): user, host, port and database,
 * never the password, whether it came in the URL or from PGPASSWORD or a password file.
 */
export function redactedUrl(location: string): string {
  try {
    const url = new URL(location);
    url.password = '';
    // Query options may carry secrets too (password=, sslkey=): only their names are shown.
    for (const name of [...url.searchParams.keys()]) url.searchParams.set(name, '…');
    return url.toString();
  } catch {
    return location.replace(/\/\/[^@/]*@/, '//…@');
  }
}
