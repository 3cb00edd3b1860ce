/** An SNS message as the intake accepts it: stored before the 200 goes back. */
export interface AcceptedMessage {
  messageId: string;
  topicArn: string;
  type: string;
  body: string;
  receivedAt: Date;
}

/**
 * Where alert state lives. SQLite now (src/store/sqlite.ts); the interface leaves room for a DynamoDB
 * store when several replicas share the work.
 */
export interface Store {
  /** Keep a message; "duplicate" when its MessageId was accepted before (SNS redelivers). */
  acceptMessage(m: AcceptedMessage): 'new' | 'duplicate';
  /** Accepted messages not yet turned into alerts, oldest first. */
  pendingMessages(limit: number): AcceptedMessage[];
  close(): void;
}
