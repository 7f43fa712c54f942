export declare const DEFAULT_ACCOUNT_SID: string;
export declare const DEFAULT_AUTH_TOKEN: string;
export declare const DEFAULT_SERVICE_SID: string;

/** The emulator could not be found, started or reached, or refused a control request. */
export declare class EmulatorError extends Error {
  /** The HTTP status of a refused control request. */
  status?: number;
  /** The body of a refused control request (Twilio-shaped JSON). */
  body?: string;
}

/** One "sent" message, as `GET /emulator/v1/messages` lists it. */
export interface Message {
  sid: string;
  to: string;
  channel: string;
  body: string;
  code: string;
  service_sid: string;
  verification_sid: string;
  account_sid: string;
  date_created: string;
}

export interface Clock {
  now: string;
  epoch_ms: number;
  frozen: boolean;
  offset_seconds: number;
  account_sid?: string;
}

export interface Account {
  account_sid: string;
  auth_token: string;
  service_sid: string;
  friendly_name: string;
}

export interface StartOptions {
  /** The verify-emulator binary (else VERIFY_EMULATOR_BIN, VERIFY_EMULATOR_RELEASE, PATH). */
  binary?: string;
  /** A release tarball (path or http(s) URL) with its `.sha256` beside it, unpacked in the cache. */
  release?: string;
  args?: string[];
  port?: number;
  /** `:memory:` by default. */
  db?: string;
  env?: Record<string, string>;
  /** Milliseconds to wait for `/readyz` (30 000). */
  timeout?: number;
  logPath?: string;
}

export interface FaultRule {
  endpoint?: string;
  errorCode?: number;
  status?: number;
  message?: string;
  latencyMs?: number;
  to?: string;
  serviceSid?: string;
  times?: number;
}

export declare function freePort(): Promise<number>;
export declare function findBinary(options?: { binary?: string; release?: string }): Promise<string>;
export declare function unpackRelease(source: string): Promise<string>;
export declare function cacheFolder(): string;

export declare class Emulator {
  readonly url: string;
  readonly port: number;
  readonly logPath: string | null;
  /** The process id of a started emulator; null for an attached one. */
  readonly pid: number | null;
  static start(options?: StartOptions): Promise<Emulator>;
  static attach(url?: string, options?: { timeout?: number }): Promise<Emulator>;
  stop(options?: { timeout?: number }): Promise<number | string | null>;
  output(): string;

  messages(query?: {
    to?: string; serviceSid?: string; verificationSid?: string; accountSid?: string; limit?: number; wait?: number;
  }): Promise<Message[]>;
  waitForCode(to: string, options?: { timeout?: number; accountSid?: string; newerThan?: Message }): Promise<string>;

  clock(options?: { accountSid?: string }): Promise<Clock>;
  advanceClock(seconds: number, options?: { accountSid?: string }): Promise<Clock>;
  setClock(when: string, options?: { frozen?: boolean; accountSid?: string }): Promise<Clock>;
  freezeClock(frozen?: boolean, options?: { accountSid?: string }): Promise<Clock>;

  createAccount(friendlyName?: string): Promise<Account>;
  deleteAccount(accountSid: string): Promise<void>;
  accounts(): Promise<Array<{ account_sid: string; friendly_name: string; kind: string }>>;

  fixedCode(code: string, options?: { to?: string; serviceSid?: string }): Promise<void>;
  clearFixedCode(options?: { to?: string; serviceSid?: string }): Promise<void>;
  fault(rule?: FaultRule): Promise<Record<string, unknown> & { id: string }>;
  clearFaults(): Promise<void>;
  reset(options?: { accountSid?: string }): Promise<void>;

  snapshot(name: string): Promise<Record<string, unknown>>;
  restore(name: string): Promise<Record<string, unknown>>;
  snapshots(): Promise<Array<Record<string, unknown>>>;
  deleteSnapshot(name: string): Promise<void>;

  caPem(): Promise<string>;
  env(folder?: string): Promise<Record<string, string>>;
  request(method: string, path: string, options?: {
    query?: Record<string, string | number | undefined>; body?: unknown; timeout?: number;
  }): Promise<any>;
}
