// Loading a year's working-day calendar: the dates copied from the State Council's notice, a
// preview of every day that changes against what the services use now, then the load.
import { Button, Card, Form, Input, InputNumber, Space, Table, Tag, Typography } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { calendar, requestId } from "../../api/clients";
import { explain, type Explained } from "../../api/errors";
import { ErrorAlert } from "../../components/ErrorAlert";
import type { DayChange, PreviewCalendarYearResponse } from "../../gen/tongban/staff/v1/calendar_pb";
import { parseDates } from "../../lib/dates";
import { placeFieldErrors } from "../../lib/formErrors";

interface Values {
  year: number;
  holidays: string;
  makeupWorkdays: string;
  source: string;
}

const FIELDS = new Set(["year", "holidays", "makeupWorkdays", "source"]);

export function CalendarPage() {
  const [form] = Form.useForm<Values>();
  const [preview, setPreview] = useState<PreviewCalendarYearResponse | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const [rest, setRest] = useState<string[]>([]);

  const request = (values: Values) => {
    const holidays = parseDates(values.holidays ?? "");
    const makeup = parseDates(values.makeupWorkdays ?? "");
    const wrong: { name: "holidays" | "makeupWorkdays"; errors: string[] }[] = [];
    if (holidays.bad.length) wrong.push({ name: "holidays", errors: [`不是日期：${holidays.bad.join("、")}`] });
    if (makeup.bad.length) wrong.push({ name: "makeupWorkdays", errors: [`不是日期：${makeup.bad.join("、")}`] });
    form.setFields(wrong);
    if (wrong.length) return null;
    return { year: values.year, holidays: holidays.dates, makeupWorkdays: makeup.dates, source: values.source ?? "" };
  };

  const run = async (load: boolean) => {
    const values = await form.validateFields();
    const body = request(values);
    if (!body) return;
    setBusy(true);
    setError(null);
    setRest([]);
    try {
      if (load) {
        await calendar.loadCalendarYear({ requestId: requestId(), ...body });
        setLoaded(true);
      } else {
        setPreview(await calendar.previewCalendarYear(body));
        setLoaded(false);
      }
    } catch (reason) {
      const explained = explain(reason);
      const placed = placeFieldErrors(explained.fields, (path) => FIELDS.has(path.join(".")));
      form.setFields(placed.placed as Parameters<typeof form.setFields>[0]);
      setError(explained);
      setRest(placed.rest);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Card title="载入年度工作日历">
        <Typography.Paragraph type="secondary">
          按国务院办公厅节假日安排通知逐日填写：放假日期和调休上班日期，可写区间（如 2027-10-01~2027-10-07）。载入前先预览与现用日历的差别，并请第二人核对。
        </Typography.Paragraph>
        <Form<Values> form={form} layout="vertical" initialValues={{ year: dayjs().year() + 1, source: "" }} onValuesChange={() => setPreview(null)}>
          <Space align="start" wrap>
            <Form.Item name="year" label="年度" rules={[{ required: true, message: "请填写年度" }]}>
              <InputNumber min={2004} max={2100} />
            </Form.Item>
            <Form.Item name="source" label="依据（通知名称和文号）" rules={[{ required: true, message: "请填写依据" }]}>
              <Input style={{ width: 520 }} />
            </Form.Item>
          </Space>
          <Space align="start" wrap>
            <Form.Item name="holidays" label="放假日期" rules={[{ required: true, message: "请填写放假日期" }]}>
              <Input.TextArea rows={6} style={{ width: 420 }} />
            </Form.Item>
            <Form.Item name="makeupWorkdays" label="调休上班日期">
              <Input.TextArea rows={6} style={{ width: 420 }} />
            </Form.Item>
          </Space>
          <ErrorAlert error={error} rest={rest} />
          <Space>
            <Button onClick={() => void run(false)} loading={busy}>
              预览
            </Button>
            <Button type="primary" disabled={!preview} onClick={() => void run(true)} loading={busy}>
              载入
            </Button>
            {loaded && <Tag color="green">已载入</Tag>}
          </Space>
        </Form>
      </Card>
      {preview && (
        <Card
          size="small"
          title={`预览：全年 ${preview.workingDays} 个工作日，${
            preview.current ? `${preview.changes.length} 天与现用日历不同` : "现用日历尚无该年度"
          }`}
        >
          <Table<DayChange>
            rowKey="day"
            size="small"
            dataSource={preview.changes}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            columns={[
              { title: "日期", dataIndex: "day", width: 140 },
              { title: "星期", width: 80, render: (_, c) => "日一二三四五六"[dayjs(c.day).day()] },
              { title: "现用", width: 100, render: (_, c) => (c.workingBefore ? "工作日" : "休息日") },
              {
                title: "载入后",
                render: (_, c) => <Tag color={c.workingAfter ? "blue" : "red"}>{c.workingAfter ? "工作日" : "休息日"}</Tag>,
              },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
