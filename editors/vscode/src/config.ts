export interface RuleInfo {
  name: string;
  severity: string;
  summary: string;
}

/**
 * Reads the rules as `orgplan explain --format json` gives them (every rule,
 * with its default severity and summary among other fields).
 */
export function parseRuleJson(text: string): RuleInfo[] {
  const data: unknown = JSON.parse(text);
  if (!Array.isArray(data)) {
    return [];
  }
  const rules: RuleInfo[] = [];
  for (const r of data as unknown[]) {
    if (r !== null && typeof r === "object") {
      const { name, default_severity: severity, summary } = r as Record<string, unknown>;
      if (typeof name === "string" && typeof severity === "string" && typeof summary === "string") {
        rules.push({ name, severity, summary });
      }
    }
  }
  return rules;
}

export const RULE_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Drops `null` (the "unset" default of several settings) from what is sent to
 * the server, recursively, so that the server sees only what the user set.
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(withoutNulls);
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== null && v !== undefined) {
        out[k] = withoutNulls(v);
      }
    }
    return out;
  }
  return value;
}
