import { Rule } from './types';

export const PATTERN_RULES: readonly Rule[] = [];
