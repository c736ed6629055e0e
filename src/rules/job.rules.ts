import { Rule } from './types';

export const JOB_RULES: readonly Rule[] = [];
