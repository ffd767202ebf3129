/** One transaction's queries, written with `?` placeholders (PostgreSQL's are numbered for it). */
export interface Transaction {
  all<R>(sql: string, args?: readonly unknown[]): Promise<R[]>;
  get<R>(sql: string, args?: readonly unknown[]): Promise<R | undefined>;
  /** Runs a statement; the rows it changed. */
  run(sql: string, args?: readonly unknown[]): Promise<number>;
}
