import { Rule } from './types';

export const HYGIENE_RULES: readonly Rule[] = [];
