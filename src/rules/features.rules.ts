import { Rule } from './types';

export const FEATURE_RULES: readonly Rule[] = [];
