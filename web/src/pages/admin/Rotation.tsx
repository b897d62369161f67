// Window rotation (轮岗): request that one person take over another's window (with the reason
// to do it before the minimum posting time, where needed), record the handover training, and
// complete it on its day.
import { Button, Card, Col, Form, Input, Row, Space, Table, Tag } from "antd";
import { useCallback, useEffect, useState } from "react";
import { requestId, rotation as rotations } from "../../api/clients";
import { explain, type Explained } from "../../api/errors";
import { zh } from "../../api/labels";
import { useAuth } from "../../auth";
import { ActionForm } from "../../components/ActionForm";
import { ErrorAlert } from "../../components/ErrorAlert";
import { type Rotation, RotationState, RotationStateSchema } from "../../gen/tongban/staff/v1/rotation_pb";

export function RotationPage() {
  const { user } = useAuth();
  const [items, setItems] = useState<Rotation[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const [training, setTraining] = useState<Rotation | null>(null);
  const load = useCallback(() => {
    setLoading(true);
    rotations
      .listRotations({ siteCode: user?.siteCode ?? "" })
      .then((answer) => setItems(answer.rotations))
      .catch((reason: unknown) => setError(explain(reason)))
      .finally(() => setLoading(false));
  }, [user?.siteCode]);
  useEffect(load, [load]);
  const complete = async (item: Rotation) => {
    setError(null);
    try {
      await rotations.completeRotation({ requestId: requestId(), rotationId: item.rotationId });
      load();
    } catch (reason) {
      setError(explain(reason));
    }
  };
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Card title="轮岗">
        <ErrorAlert error={error} />
        <Table<Rotation>
          rowKey={(r) => String(r.rotationId)}
          size="small"
          loading={loading}
          dataSource={items}
          pagination={{ pageSize: 15, hideOnSinglePage: true }}
          columns={[
            { title: "#", width: 50, render: (_, r) => String(r.rotationId) },
            { title: "窗口", dataIndex: "windowCode", width: 150 },
            { title: "现任 → 接任", width: 230, render: (_, r) => `${r.currentUserId} → ${r.proposedUserId}` },
            { title: "任职", width: 110, render: (_, r) => `${r.servedMonths}/${r.minimumMonths} 个月` },
            { title: "生效日期", dataIndex: "effectiveOn", width: 100 },
            { title: "理由", render: (_, r) => r.reasons + (r.overrideReason ? `（提前：${r.overrideReason}）` : "") },
            { title: "状态", width: 130, render: (_, r) => <Tag>{zh(RotationStateSchema, r.state)}</Tag> },
            {
              title: "",
              width: 110,
              render: (_, r) =>
                r.state === RotationState.APPROVED ? (
                  <Button size="small" onClick={() => setTraining(r)}>
                    登记培训
                  </Button>
                ) : r.state === RotationState.TRAINED ? (
                  <Button size="small" type="primary" onClick={() => void complete(r)}>
                    完成轮岗
                  </Button>
                ) : null,
            },
          ]}
        />
      </Card>
      {training && (
        <Card title={`登记轮岗培训 #${training.rotationId}`} size="small">
          <ActionForm<{ trainedOn: string; training: string }>
            key={String(training.rotationId)}
            name="training"
            fields={["trainedOn", "training"]}
            submitText="登记培训"
            run={(v, rid) =>
              rotations.recordTraining({ requestId: rid, rotationId: training.rotationId, trainedOn: v.trainedOn ?? "", training: v.training })
            }
            onDone={() => {
              setTraining(null);
              load();
            }}
          >
            {() => (
              <Space align="start" wrap>
                <Form.Item name="trainedOn" label="培训日期（YYYY-MM-DD，不填为今天）">
                  <Input style={{ width: 160 }} />
                </Form.Item>
                <Form.Item name="training" label="培训内容" rules={[{ required: true, message: "请填写培训内容" }]}>
                  <Input style={{ width: 420 }} />
                </Form.Item>
              </Space>
            )}
          </ActionForm>
        </Card>
      )}
      <Card title="申请轮岗" size="small">
        <ActionForm<{
          windowCode: string;
          currentUserId: string;
          proposedUserId: string;
          reasons: string;
          effectiveOn: string;
          overrideReason: string;
        }>
          name="rotation"
          fields={["windowCode", "currentUserId", "proposedUserId", "reasons", "effectiveOn", "overrideReason"]}
          submitText="提交轮岗申请"
          doneText="轮岗已批准，待培训"
          run={(v, rid) => rotations.requestRotation({ requestId: rid, ...v, overrideReason: v.overrideReason ?? "" })}
          onDone={load}
        >
          {() => (
            <Row gutter={12}>
              <Col span={8}>
                <Form.Item name="windowCode" label="窗口" rules={[{ required: true, message: "请填写窗口编码" }]}>
                  <Input placeholder="如 320826000-W02" />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="currentUserId" label="现任（用户编号）" rules={[{ required: true, message: "请填写现任人员" }]}>
                  <Input />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="proposedUserId" label="接任（用户编号）" rules={[{ required: true, message: "请填写接任人员" }]}>
                  <Input />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="effectiveOn" label="生效日期（YYYY-MM-DD）" rules={[{ required: true, message: "请填写生效日期" }]}>
                  <Input />
                </Form.Item>
              </Col>
              <Col span={16}>
                <Form.Item name="reasons" label="轮岗理由" rules={[{ required: true, message: "请填写轮岗理由" }]}>
                  <Input />
                </Form.Item>
              </Col>
              <Col span={24}>
                <Form.Item name="overrideReason" label="未满最短任职期提前轮岗的理由（如需要）">
                  <Input />
                </Form.Item>
              </Col>
            </Row>
          )}
        </ActionForm>
      </Card>
    </Space>
  );
}
