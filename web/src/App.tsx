import { Result, Spin } from "antd";
import type { ReactNode } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router-dom";
import { AuthProvider, hasRole, home, useAuth } from "./auth";
import { Shell } from "./components/Shell";
import { AssessmentPage } from "./pages/admin/Assessment";
import { CalendarPage } from "./pages/admin/Calendar";
import { LeavePage } from "./pages/admin/Leave";
import { RotationPage } from "./pages/admin/Rotation";
import { StaffPage } from "./pages/admin/Staff";
import { EditDraft } from "./pages/catalogue/EditDraft";
import { Extensions } from "./pages/catalogue/Extensions";
import { Matters } from "./pages/catalogue/Matters";
import { SiteCatalogue } from "./pages/catalogue/SiteCatalogue";
import { Transfer } from "./pages/catalogue/Transfer";
import { Versions } from "./pages/catalogue/Versions";
import { CaseDetail } from "./pages/CaseDetail";
import { Cases } from "./pages/Cases";
import { Catalogue } from "./pages/clerk/Catalogue";
import { Intake } from "./pages/clerk/Intake";
import { AccountabilityDetail, AccountabilityList } from "./pages/inspector/Accountability";
import { Alerts } from "./pages/inspector/Alerts";
import { RecordVerification } from "./pages/inspector/Record";
import { Statistics } from "./pages/inspector/Statistics";
import { Login } from "./pages/Login";
import { PrintDocument } from "./pages/PrintDocument";
import { Inbox } from "./pages/review/Inbox";
import { ReviewDetail } from "./pages/review/ReviewDetail";

// The roles a screen is for; the API checks again on every call, this only keeps menus honest.
function Guard({ roles, children }: { roles?: string[]; children: ReactNode }) {
  const { user, loading } = useAuth();
  if (loading) return <Spin fullscreen tip="正在加载…" />;
  if (!user) return <Navigate to="/login" replace />;
  if (roles && !hasRole(user, ...roles)) return <Result status="403" title="无权访问" subTitle="当前角色不能使用此页面" />;
  return <Shell>{children}</Shell>;
}

// Who administers the catalogue: the departments' officers draft, the administrator publishes.
const CATALOGUE = ["catalogue_officer", "centre_admin"];

function Landing() {
  const { user, loading } = useAuth();
  if (loading) return <Spin fullscreen tip="正在加载…" />;
  return <Navigate to={user ? home(user) : "/login"} replace />;
}

export function App() {
  return (
    <AuthProvider>
      <BrowserRouter>
        <Routes>
          <Route path="/" element={<Landing />} />
          <Route path="/login" element={<Login />} />
          <Route path="/clerk/catalogue" element={<Guard roles={["clerk"]}><Catalogue /></Guard>} />
          <Route path="/clerk/intake/:matterCode" element={<Guard roles={["clerk"]}><Intake /></Guard>} />
          <Route path="/clerk/cases" element={<Guard roles={["clerk"]}><Cases /></Guard>} />
          <Route path="/cases" element={<Guard><Cases /></Guard>} />
          <Route path="/cases/:caseNo" element={<Guard><CaseDetail /></Guard>} />
          <Route path="/print/:number" element={<Guard><PrintDocument /></Guard>} />
          <Route path="/review/inbox" element={<Guard roles={["clerk", "reviewer"]}><Inbox /></Guard>} />
          <Route path="/review/:caseNo" element={<Guard roles={["clerk", "reviewer"]}><ReviewDetail /></Guard>} />
          <Route path="/inspector/alerts" element={<Guard roles={["inspector"]}><Alerts /></Guard>} />
          <Route path="/inspector/accountability" element={<Guard roles={["inspector"]}><AccountabilityList /></Guard>} />
          <Route path="/inspector/accountability/:caseId" element={<Guard roles={["inspector"]}><AccountabilityDetail /></Guard>} />
          <Route path="/inspector/record" element={<Guard roles={["inspector", "centre_admin"]}><RecordVerification /></Guard>} />
          <Route path="/statistics" element={<Guard roles={["inspector", "centre_admin", "township_officer"]}><Statistics /></Guard>} />
          <Route path="/admin/leave" element={<Guard roles={["centre_admin", "township_officer"]}><LeavePage /></Guard>} />
          <Route path="/admin/staff" element={<Guard roles={["centre_admin", "township_officer"]}><StaffPage /></Guard>} />
          <Route path="/assessment" element={<Guard roles={["centre_admin", "township_officer", "inspector"]}><AssessmentPage /></Guard>} />
          <Route path="/admin/calendar" element={<Guard roles={["centre_admin"]}><CalendarPage /></Guard>} />
          <Route path="/admin/rotation" element={<Guard roles={["centre_admin", "township_officer"]}><RotationPage /></Guard>} />
          <Route path="/catalogue" element={<Guard roles={CATALOGUE}><Matters /></Guard>} />
          <Route path="/catalogue/new" element={<Guard roles={CATALOGUE}><EditDraft /></Guard>} />
          <Route path="/catalogue/matters/:code" element={<Guard roles={CATALOGUE}><Versions /></Guard>} />
          <Route path="/catalogue/matters/:code/draft" element={<Guard roles={CATALOGUE}><EditDraft /></Guard>} />
          <Route path="/catalogue/extensions" element={<Guard roles={CATALOGUE}><Extensions /></Guard>} />
          <Route path="/catalogue/sites" element={<Guard roles={CATALOGUE}><SiteCatalogue /></Guard>} />
          <Route path="/catalogue/transfer" element={<Guard roles={CATALOGUE}><Transfer /></Guard>} />
          <Route path="*" element={<Result status="404" title="页面不存在" />} />
        </Routes>
      </BrowserRouter>
    </AuthProvider>
  );
}
