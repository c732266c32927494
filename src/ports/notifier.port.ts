/** A human-facing message (Slack, console). Never carries key material. */
export interface Notification {
  readonly severity: 'info' | 'warning' | 'critical';
  readonly title: string;
  readonly text: string;
  readonly certificateId?: string;
  readonly requestId?: string;
}

export interface Notifier {
  notify(notification: Notification): Promise<void>;
}
