/** What an approver needs to decide on a request, for channels that can ask (Slack buttons). */
export interface ApprovalPrompt {
  readonly requestId: string;
  readonly certificateId: string;
  /** The content an approval covers; a click on a message of other content is refused. */
  readonly contentHash: string;
  readonly names: readonly string[];
  readonly issuer: string;
  readonly keyAlgorithm: string;
  readonly validityDays?: number;
  readonly validityHours?: number;
  /** A client certificate's CN: the workload identity the approval grants. */
  readonly commonName?: string;
  readonly requester: string;
  readonly requiredApprovals: number;
  readonly deadline: string;
  /** The policy's reasons, in words. */
  readonly reasons: readonly string[];
}

/** A written decision, for channels that update what they posted. */
export interface DecisionNote {
  readonly requestId: string;
  readonly outcome: 'approved' | 'denied' | 'expired';
  readonly approvers: readonly string[];
  readonly reason: string;
}

/** A human-facing message (Slack, console). Never carries key material. */
export interface Notification {
  readonly severity: 'info' | 'warning' | 'critical';
  readonly title: string;
  readonly text: string;
  readonly certificateId?: string;
  readonly requestId?: string;
  /** Present on `Approval Requested`: a channel that can ask posts buttons. */
  readonly approval?: ApprovalPrompt;
  /** Present on decisions and expiry: a channel that asked updates its message. */
  readonly decision?: DecisionNote;
}

export interface Notifier {
  notify(notification: Notification): Promise<void>;
}
