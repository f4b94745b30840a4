import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("./client", () => ({ api: { GET: vi.fn() } }));

import { LiveSocket, type LiveEvent, type LiveInfo } from "./live";

const INFO: LiveInfo = {
  protocol: "aws-appsync-events",
  realtime_url: "ws://shop.test/event/realtime",
  auth: { host: "shop.test", "x-api-key": "da2-key" },
  channels: { product_stock: "/stock/default/{product_id}" },
};

class FakeSocket {
  static opened: FakeSocket[] = [];
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.opened.push(this);
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close() {
    this.readyState = 3;
    this.onclose?.();
  }
  serverOpens() {
    this.readyState = 1;
    this.onopen?.();
  }
  serverSends(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function socket(info: LiveInfo | null = INFO) {
  return new LiveSocket(
    async () => info,
    (url, protocols) => new FakeSocket(url, protocols) as unknown as WebSocket,
  );
}

beforeEach(() => {
  FakeSocket.opened = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe("the live stock socket", () => {
  it("connects as AppSync Events wants and delivers a product's events", async () => {
    const live = socket();
    const events: LiveEvent[] = [];
    live.subscribe("p1", (event) => events.push(event));
    await flush();
    const ws = FakeSocket.opened[0]!;
    expect(ws.url).toBe(INFO.realtime_url);
    expect(ws.protocols[0]).toBe("aws-appsync-event-ws");
    const header = ws.protocols[1]!.replace("header-", "").replace(/-/g, "+").replace(/_/g, "/");
    expect(JSON.parse(atob(header))).toEqual(INFO.auth);
    ws.serverOpens();
    expect(ws.sent).toEqual([{ type: "connection_init" }]);
    ws.serverSends({ type: "connection_ack", connectionTimeoutMs: 300000 });
    expect(live.status).toBe("up");
    const subscribe = ws.sent[1] as { id: string; channel: string; authorization: unknown };
    expect(subscribe).toMatchObject({ type: "subscribe", channel: "/stock/default/p1", authorization: INFO.auth });
    const event = { product_id: "p1", stock: 4, in_stock: true, at: "t" };
    ws.serverSends({ type: "data", id: subscribe.id, event: JSON.stringify(event) });
    ws.serverSends({ type: "data", id: "someone-else", event: JSON.stringify({ ...event, stock: 9 }) });
    expect(events).toEqual([event]);
  });

  it("shares one subscription per product and closes when nobody listens", async () => {
    const live = socket();
    const stopFirst = live.subscribe("p1", () => {});
    const stopSecond = live.subscribe("p1", () => {});
    await flush();
    const ws = FakeSocket.opened[0]!;
    ws.serverOpens();
    ws.serverSends({ type: "connection_ack" });
    expect(ws.sent.filter((m) => m.type === "subscribe")).toHaveLength(1);
    stopFirst();
    expect(ws.readyState).toBe(1);
    stopSecond();
    expect(ws.sent.at(-1)).toMatchObject({ type: "unsubscribe" });
    expect(ws.readyState).toBe(3);
    expect(FakeSocket.opened).toHaveLength(1); // no reconnection: nothing to follow
  });

  it("reconnects with a growing delay and subscribes again", async () => {
    vi.useFakeTimers();
    const live = socket();
    live.subscribe("p1", () => {});
    await vi.advanceTimersByTimeAsync(0);
    FakeSocket.opened[0]!.serverOpens();
    FakeSocket.opened[0]!.serverSends({ type: "connection_ack" });
    FakeSocket.opened[0]!.close(); // the server went away
    expect(live.status).toBe("down");
    await vi.advanceTimersByTimeAsync(1300);
    expect(FakeSocket.opened).toHaveLength(2);
    FakeSocket.opened[1]!.close(); // still away: the next try waits longer
    await vi.advanceTimersByTimeAsync(1300);
    expect(FakeSocket.opened).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1200);
    expect(FakeSocket.opened).toHaveLength(3);
    const ws = FakeSocket.opened[2]!;
    ws.serverOpens();
    ws.serverSends({ type: "connection_ack" });
    expect(live.status).toBe("up");
    expect(ws.sent.at(-1)).toMatchObject({ type: "subscribe", channel: "/stock/default/p1" });
  });

  it("treats a silent connection as dead after its timeout", async () => {
    vi.useFakeTimers();
    const live = socket();
    live.subscribe("p1", () => {});
    await vi.advanceTimersByTimeAsync(0);
    const ws = FakeSocket.opened[0]!;
    ws.serverOpens();
    ws.serverSends({ type: "connection_ack", connectionTimeoutMs: 5000 });
    await vi.advanceTimersByTimeAsync(4000);
    ws.serverSends({ type: "ka" });
    await vi.advanceTimersByTimeAsync(4000);
    expect(live.status).toBe("up");
    await vi.advanceTimersByTimeAsync(1500);
    expect(live.status).toBe("down");
  });

  it("is off where the deployment pushes nothing", async () => {
    const live = socket(null);
    live.subscribe("p1", () => {});
    await flush();
    expect(live.status).toBe("off");
    expect(FakeSocket.opened).toHaveLength(0);
  });
});
