// What one check of the supervision record (VerifyRecord) says about some of its entries: an
// alert's, an accountability case's. The check walks the chain from the first entry, so what
// lies before the first bad entry is as written and nothing from it on can be vouched for.
export interface Check {
  intact: boolean;
  firstBadSeq: bigint;
}

export type Standing = "verified" | "before-break" | "unverified";

export function standing(check: Check, seqs: readonly bigint[]): Standing {
  if (check.intact) return "verified";
  return seqs.some((seq) => seq >= check.firstBadSeq) ? "unverified" : "before-break";
}

/** A hash in groups of eight, so two people can read it to each other and compare. */
export function groupedHash(hash: string): string {
  return hash.match(/.{1,8}/g)?.join(" ") ?? "";
}

/** The problem as the service words it ("中文 / English"): the Chinese half for the screen. */
export function chineseProblem(problem: string): string {
  return problem.split(" / ")[0]?.trim() ?? problem;
}
