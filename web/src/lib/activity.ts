// The approval service's activity log in words: its actions are plain strings (the CLI names them
// the same way, tongban_cli/render/reviews.py), its details may be enum value names, read here
// through the proto's own labels.
import { type DescEnum, getOption, hasOption } from "@bufbuild/protobuf";
import { SpecialProcedureSchema } from "../gen/tongban/acceptance/v1/catalog_pb";
import { DecisionOutcomeSchema, VerdictSchema } from "../gen/tongban/approval/v1/approval_pb";
import { label } from "../gen/tongban/labels/v1/labels_pb";

export const ACTIVITY_NAMES: Record<string, string> = {
  opened: "开始审查",
  claimed: "签收",
  reassigned: "改派",
  answered: "提交审查意见",
  sent_back: "退回补正",
  supplemented: "补正后恢复审查",
  procedure_started: "启动特殊环节",
  procedure_ended: "结束特殊环节",
  extended: "延长时限",
  decided: "作出决定",
  withdrawn: "申请人撤回",
};

const DETAIL_ENUMS: DescEnum[] = [VerdictSchema, DecisionOutcomeSchema, SpecialProcedureSchema];

/** An enum value name in a detail (VERDICT_APPROVE) as its label (同意); other text as it is. */
export function detailText(detail: string): string {
  return detail.replace(/\b[A-Z][A-Z0-9_]+\b/g, (name) => {
    for (const schema of DETAIL_ENUMS) {
      const value = schema.values.find((v) => v.name === name);
      if (value && hasOption(value, label)) return getOption(value, label).zh;
    }
    return name;
  });
}

const REASSIGNED = /^from (\S+): ?([\s\S]*)$/;
const EXTENDED = /^\+(\d+)$/;

/** A detail in words: the service logs a reassignment as "from X: reason" and an extension as
 * "+10" (read the same way as the CLI's, tongban_cli/render/reviews.py). */
function activityDetail(action: string, detail: string): string {
  const trimmed = detail.trim();
  const reassigned = action === "reassigned" ? REASSIGNED.exec(trimmed) : null;
  if (reassigned) {
    const previous = reassigned[1] === "-" ? "无" : reassigned[1];
    const reason = reassigned[2].trim();
    return `原承办人 ${previous}${reason ? `，理由：${reason}` : ""}`;
  }
  const extended = action === "extended" ? EXTENDED.exec(trimmed) : null;
  if (extended) return `${extended[1]} 个工作日`;
  return detailText(trimmed);
}

export function activityText(a: { action: string; actor: string; stepNumber: number; target: string; detail: string }): string {
  const actor = a.actor === "system" ? "系统" : a.actor;
  const step = a.stepNumber ? ` #${a.stepNumber}` : "";
  const target = a.target ? ` → ${a.target}` : "";
  const detail = a.detail ? `：${activityDetail(a.action, a.detail)}` : "";
  return `${actor} ${ACTIVITY_NAMES[a.action] ?? a.action}${step}${target}${detail}`;
}
