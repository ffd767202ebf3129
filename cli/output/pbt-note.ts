/** Under a table of PBT members: whose parameters it shows, and where each one's schedule is. */
export function pbtNote(study: string): string {
  return `Population Based Training: each member's parameters when it ended; its schedule: sweeper show ${study} TRIAL\n`;
}
