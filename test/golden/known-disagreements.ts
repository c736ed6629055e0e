/**
 * The disagreements between the rules engine and the recorded real-server verdicts that are
 * known and not fixed yet, per version (categories as in `compare.ts`). The golden test fails
 * when a count changes either way: a fix lowers it (lower the number here), a regression raises
 * it. `npx projen golden:report -- --kubernetes-version X` lists them, most frequent first.
 */
export const KNOWN_DISAGREEMENTS: Record<string, { falseAccept: number; falseReject: number; wrongPath: number }> = {
  1.28: { falseAccept: 0, falseReject: 0, wrongPath: 0 },
  1.29: { falseAccept: 0, falseReject: 0, wrongPath: 0 },
  1.30: { falseAccept: 0, falseReject: 0, wrongPath: 0 },
  1.31: { falseAccept: 0, falseReject: 0, wrongPath: 0 },
  1.32: { falseAccept: 0, falseReject: 0, wrongPath: 0 },
  1.33: { falseAccept: 0, falseReject: 0, wrongPath: 0 },
  1.34: { falseAccept: 0, falseReject: 0, wrongPath: 0 },
  1.35: { falseAccept: 0, falseReject: 0, wrongPath: 0 },
  1.36: { falseAccept: 0, falseReject: 0, wrongPath: 0 },
  1.37: { falseAccept: 0, falseReject: 0, wrongPath: 0 },
};

/**
 * Recorded versions the engine does not support yet: their comparison cannot run. The golden
 * test fails when this list is not exactly the recorded versions the engine lacks, so adding a
 * version to the engine makes the test ask for its disagreement counts above.
 */
export const VERSIONS_THE_ENGINE_LACKS: readonly string[] = [];
