/** The findings of orgplan in the workspace, by severity, and the files with any. */
export interface Found {
  errors: number;
  warnings: number;
  infos: number;
  hints: number;
  files: number;
}

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/**
 * What *Check Workspace* says, e.g. "orgplan: 2 errors, 3 warnings and 1 hint
 * in 2 of 5 plans."
 */
export function checkSummary(f: Found, plans: number): string {
  const of = count(plans, "plan", "plans");
  const parts = [count(f.errors, "error", "errors"), count(f.warnings, "warning", "warnings")];
  if (f.infos > 0) {
    parts.push(count(f.infos, "info", "infos"));
  }
  if (f.hints > 0) {
    parts.push(count(f.hints, "hint", "hints"));
  }
  if (f.errors + f.warnings + f.infos + f.hints === 0) {
    return `orgplan: no findings in ${of}.`;
  }
  const list = `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
  return `orgplan: ${list} in ${f.files} of ${of}.`;
}
