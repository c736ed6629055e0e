import { Rule } from './types';

export const CRONJOB_RULES: readonly Rule[] = [];
