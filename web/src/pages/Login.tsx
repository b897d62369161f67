import { Alert, Button, Card, Form, Input } from "antd";
import { useState } from "react";
import { useNavigate, useSearchParams } from "react-router-dom";
import { explain, type Explained } from "../api/errors";
import { login, me } from "../api/session";
import { home, useAuth } from "../auth";

export function Login() {
  const [error, setError] = useState<Explained | null>(null);
  const [busy, setBusy] = useState(false);
  const { refresh } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const submit = async (values: { userId: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await login(values.userId.trim(), values.password);
      const user = await me();
      await refresh();
      navigate(user ? home(user) : "/");
    } catch (reason) {
      setError(explain(reason));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div style={{ display: "flex", justifyContent: "center", paddingTop: 120 }}>
      <Card title="通办 · 政务服务工作台 登录" style={{ width: 380 }}>
        {error && <Alert type="error" showIcon title={error.message} style={{ marginBottom: 16 }} role="alert" />}
        {!error && params.get("expired") && (
          <Alert type="warning" showIcon title="登录已过期，请重新登录" style={{ marginBottom: 16 }} />
        )}
        <Form layout="vertical" onFinish={(v: { userId: string; password: string }) => void submit(v)}>
          <Form.Item label="用户编号" name="userId" rules={[{ required: true, message: "请输入用户编号" }]}>
            <Input autoFocus autoComplete="username" placeholder="如 clerk-gaogou" />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: "请输入密码" }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            登录
          </Button>
        </Form>
      </Card>
    </div>
  );
}
