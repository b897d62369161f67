// The frame every screen sits in: the menu the user's roles allow, who is signed in, sign-out.
import { Button, Layout, Menu, Space, Typography } from "antd";
import type { ReactNode } from "react";
import { Link, useLocation, useNavigate } from "react-router-dom";
import { hasRole, useAuth } from "../auth";

const ROLE_NAMES: Record<string, string> = {
  clerk: "窗口工作人员",
  reviewer: "审核人员",
  centre_admin: "中心管理员",
  township_officer: "专职政务科员",
  inspector: "纪检监察人员",
  catalogue_officer: "部门事项管理员",
};

export function Shell({ children }: { children: ReactNode }) {
  const { user, logout } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  if (!user) return <>{children}</>;
  const items = [
    ...(hasRole(user, "clerk")
      ? [
          { key: "/clerk/catalogue", label: <Link to="/clerk/catalogue">事项目录 · 收件</Link> },
          { key: "/clerk/cases", label: <Link to="/clerk/cases">本站办件</Link> },
        ]
      : []),
    ...(hasRole(user, "clerk", "reviewer")
      ? [{ key: "/review/inbox", label: <Link to="/review/inbox">审查待办</Link> }]
      : []),
    ...(hasRole(user, "inspector")
      ? [
          { key: "/inspector/alerts", label: <Link to="/inspector/alerts">预警看板</Link> },
          { key: "/inspector/accountability", label: <Link to="/inspector/accountability">问责案件</Link> },
          { key: "/inspector/record", label: <Link to="/inspector/record">记录核验</Link> },
        ]
      : []),
    ...(hasRole(user, "centre_admin", "township_officer")
      ? [
          { key: "/admin/staff", label: <Link to="/admin/staff">窗口与人员</Link> },
          { key: "/admin/leave", label: <Link to="/admin/leave">请假审批</Link> },
          { key: "/admin/rotation", label: <Link to="/admin/rotation">轮岗</Link> },
        ]
      : []),
    ...(hasRole(user, "catalogue_officer", "centre_admin") ? [{ key: "/catalogue", label: <Link to="/catalogue">事项目录管理</Link> }] : []),
    ...(hasRole(user, "centre_admin") ? [{ key: "/admin/calendar", label: <Link to="/admin/calendar">工作日历</Link> }] : []),
    ...(hasRole(user, "inspector", "centre_admin", "township_officer")
      ? [
          { key: "/statistics", label: <Link to="/statistics">办件统计</Link> },
          { key: "/assessment", label: <Link to="/assessment">考核排名</Link> },
        ]
      : []),
    ...(hasRole(user, "reviewer", "inspector", "centre_admin", "township_officer") && !hasRole(user, "clerk")
      ? [{ key: "/cases", label: <Link to="/cases">办件查询</Link> }]
      : []),
  ];
  const selected = items.map((i) => i.key).filter((key) => location.pathname.startsWith(key));
  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Header className="no-print" style={{ display: "flex", alignItems: "center", gap: 24, paddingInline: 16 }}>
        <Typography.Text strong style={{ color: "#fff", fontSize: 18, whiteSpace: "nowrap" }}>
          通办 · 政务服务工作台
        </Typography.Text>
        <Menu theme="dark" mode="horizontal" items={items} selectedKeys={selected} style={{ flex: 1, minWidth: 0 }} />
        <Space style={{ color: "#fff", whiteSpace: "nowrap" }}>
          <span data-testid="who">
            {user.userId}（{user.roles.map((r) => ROLE_NAMES[r] ?? r).join("、")}，站点 {user.siteCode}
            {user.departmentCode ? `，部门 ${user.departmentCode}` : ""}）
          </span>
          <Button
            size="small"
            onClick={() => {
              void logout().then(() => navigate("/login"));
            }}
          >
            退出
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: 16 }}>{children}</Layout.Content>
    </Layout>
  );
}
