import { CRONJOB_RULES } from './cronjob.rules';
import { FEATURE_RULES } from './features.rules';
import { HYGIENE_RULES } from './hygiene.rules';
import { UPDATE_RULES } from './job-update.rules';
import { JOB_RULES } from './job.rules';
import { PATTERN_RULES } from './pattern.rules';
import { Rule } from './types';

/** The one rules table, in evaluation order. `docs/rules.md` is generated from it. */
export const RULES: readonly Rule[] = [
  ...JOB_RULES,
  ...FEATURE_RULES,
  ...UPDATE_RULES,
  ...CRONJOB_RULES,
  ...PATTERN_RULES,
  ...HYGIENE_RULES,
];

/** Every rule code, in table order. */
export const RULE_CODES: readonly string[] = RULES.map((r) => r.code);
