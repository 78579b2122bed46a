/** Counts things by reason (records skipped, values mapped) and prints them for the conversion report. */
export class Tally {
  private readonly counts = new Map<string, number>();

  add(reason: string, n = 1): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + n);
  }

  get total(): number {
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }

  print(title: string): void {
    console.log(`${title}: ${this.total}`);
    for (const [reason, n] of [...this.counts].sort((a, b) => b[1] - a[1])) console.log(`  ${n}  ${reason}`);
  }
}
