// The catalogue's screens as tabs under one menu entry, so the shell's menu stays one line wide.
import { Tabs } from "antd";
import { useLocation, useNavigate } from "react-router-dom";

const TABS = [
  { key: "/catalogue", label: "事项与版本" },
  { key: "/catalogue/extensions", label: "延伸调整" },
  { key: "/catalogue/sites", label: "站点进驻目录" },
  { key: "/catalogue/transfer", label: "导入导出" },
];

export function CatalogueNav() {
  const location = useLocation();
  const navigate = useNavigate();
  // The longest tab path the page is under: a matter's versions belong to 事项与版本.
  const active = [...TABS].reverse().find((t) => location.pathname.startsWith(t.key))?.key ?? "/catalogue";
  return <Tabs activeKey={active} items={TABS} onChange={(key) => navigate(key)} style={{ marginBottom: 0 }} />;
}
