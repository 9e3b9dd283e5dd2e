// Public surface of the decision-policy seam: the context, the target-position answer and the rule-based policy.
export * from './types.ts';
export { RULES_POLICY } from './rulesPolicy.ts';
