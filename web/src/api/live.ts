/**
 * Live stock, pushed: one WebSocket per page to where `GET /live` says (AWS AppSync Events
 * on AWS, the API's own /event/realtime under `make run`), speaking AppSync Events'
 * protocol. Subscriptions are counted per channel, so every part of a page that shows a
 * product shares one. The socket reconnects with a growing delay (1 s, 2 s, ... 15 s);
 * while it is down, the pages poll (api/products.ts), more slowly than when nothing is
 * pushed at all.
 */
import { api, type Schemas } from "./client";

export type LiveInfo = Schemas["LiveInfo"];
export type LiveEvent = {
  product_id: string;
  /** One variant's level, on its product's channel. */
  variant_id?: string;
  stock?: number;
  in_stock?: boolean;
  deleted?: boolean;
  at: string;
};
/** `off`: this deployment pushes nothing (GET /live is 404); `down`: not connected now. */
export type LiveStatus = "off" | "connecting" | "up" | "down";
type Listener = (event: LiveEvent) => void;

const SUBPROTOCOL = "aws-appsync-event-ws";
const MAX_DELAY_MS = 15_000;
const OPEN = 1; // WebSocket.OPEN
/** Every product of the store: a subscription to the channel's parent, `/*`. */
export const EVERY_PRODUCT = "*";

function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  bytes.forEach((byte) => (binary += String.fromCharCode(byte)));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

type Subscription = { id: string; channel: string; listeners: Set<Listener> };

export class LiveSocket {
  status: LiveStatus = "connecting";
  private info: LiveInfo | null = null;
  private socket: WebSocket | null = null;
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  private timeoutMs = 300_000;
  private readonly subscriptions = new Map<string, Subscription>(); // by product ("*": all)
  private readonly statusListeners = new Set<() => void>();

  constructor(
    private readonly loadInfo: () => Promise<LiveInfo | null>,
    private readonly open: (url: string, protocols: string[]) => WebSocket = (url, protocols) =>
      new WebSocket(url, protocols),
  ) {}

  /** Calls `listener` with every event of the product's channel; returns the unsubscribe. */
  subscribe(productId: string, listener: Listener): () => void {
    let subscription = this.subscriptions.get(productId);
    if (!subscription) {
      subscription = { id: crypto.randomUUID(), channel: "", listeners: new Set() };
      this.subscriptions.set(productId, subscription);
      this.sendSubscribe(productId, subscription);
    }
    subscription.listeners.add(listener);
    this.connect();
    return () => {
      const current = this.subscriptions.get(productId);
      if (!current) return;
      current.listeners.delete(listener);
      if (current.listeners.size > 0) return;
      this.subscriptions.delete(productId);
      if (this.status === "up") this.send({ type: "unsubscribe", id: current.id });
      if (this.subscriptions.size === 0) this.disconnect();
    };
  }

  onStatus(listener: () => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private setStatus(status: LiveStatus) {
    if (this.status === status) return;
    this.status = status;
    this.statusListeners.forEach((listener) => listener());
  }

  private channelFor(productId: string): string {
    return this.info!.channels.product_stock.replace("{product_id}", productId);
  }

  private send(message: object) {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  private sendSubscribe(productId: string, subscription: Subscription) {
    if (this.status !== "up" || !this.info) return;
    subscription.channel = this.channelFor(productId);
    this.send({
      type: "subscribe",
      id: subscription.id,
      channel: subscription.channel,
      authorization: this.info.auth,
    });
  }

  private async connect() {
    if (this.socket || this.retryTimer || this.status === "off") return;
    if (!this.info) {
      try {
        this.info = await this.loadInfo();
      } catch {
        this.scheduleRetry();
        return;
      }
      if (!this.info) {
        this.setStatus("off");
        return;
      }
    }
    if (this.socket || this.subscriptions.size === 0) return;
    const socket = this.open(this.info.realtime_url, [
      SUBPROTOCOL,
      `header-${base64url(JSON.stringify(this.info.auth))}`,
    ]);
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ type: "connection_init" }));
    socket.onmessage = (message) => this.receive(JSON.parse(String(message.data)));
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      clearTimeout(this.watchdog);
      if (this.subscriptions.size > 0) {
        this.setStatus("down");
        this.scheduleRetry();
      }
    };
  }

  private receive(message: {
    type: string;
    id?: string;
    event?: string;
    connectionTimeoutMs?: number;
  }) {
    this.keepWatch();
    if (message.type === "connection_ack") {
      this.retries = 0;
      this.timeoutMs = message.connectionTimeoutMs ?? this.timeoutMs;
      this.setStatus("up");
      this.subscriptions.forEach((subscription, productId) =>
        this.sendSubscribe(productId, subscription),
      );
    } else if (message.type === "data" && message.event) {
      const event = JSON.parse(message.event) as LiveEvent;
      for (const subscription of this.subscriptions.values()) {
        if (subscription.id === message.id) subscription.listeners.forEach((l) => l(event));
      }
    } else if (message.type === "connection_error") {
      this.socket?.close();
    }
  }

  /** No message (not even a keep-alive) for the connection's timeout: it is dead. */
  private keepWatch() {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => this.socket?.close(), this.timeoutMs);
  }

  private scheduleRetry() {
    const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** this.retries) * (0.8 + Math.random() * 0.4);
    this.retries += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
  }

  private disconnect() {
    clearTimeout(this.retryTimer);
    clearTimeout(this.watchdog);
    this.retryTimer = undefined;
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    if (this.status !== "off") this.setStatus("connecting");
  }
}

async function loadLiveInfo(): Promise<LiveInfo | null> {
  const { data, response } = await api.GET("/live");
  if (response.status === 404) return null;
  if (!data) throw new Error(`GET /live answered ${response.status}`);
  return data;
}

/** The page's one live connection. */
export const live = new LiveSocket(loadLiveInfo);
