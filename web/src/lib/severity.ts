// The card colours of the alerts board, as supervision names the severities (提醒, 黄牌, 红牌 ...).
import { AlertSeverity } from "../gen/tongban/supervision/v1/supervision_pb";

export const SEVERITY_COLOUR: Record<AlertSeverity, string> = {
  [AlertSeverity.UNSPECIFIED]: "#d9d9d9",
  [AlertSeverity.REMINDER]: "#1677ff",
  [AlertSeverity.YELLOW_CARD]: "#faad14",
  [AlertSeverity.RED_CARD]: "#f5222d",
  [AlertSeverity.VIOLATION]: "#722ed1",
  [AlertSeverity.NOTICE]: "#8c8c8c",
};
