/** An SNS message as the intake accepts it: stored before the 200 goes back. */
export interface AcceptedMessage {
  messageId: string;
  topicArn: string;
  type: string;
  body: string;
  receivedAt: Date;
}

/** A message no intake could read (SQS poison, a forged envelope), kept with why. */
export interface DeadLetter {
  source: string;
  body: string;
  reason: string;
  at: Date;
}

/**
 * Where accepted SNS/SQS messages wait to become alerts. The idempotency contract: a MessageId is
 * accepted once — a second `acceptMessage` with it answers "duplicate" and changes nothing, whichever
 * process asks (a store with conditional writes: a put on the MessageId that must not exist).
 */
export interface MessageInbox {
  /** Keep a message; "duplicate" when its MessageId was accepted before (SNS redelivers). */
  acceptMessage(m: AcceptedMessage): Promise<'new' | 'duplicate'>;
  /** Keep several messages in one durable write where the store can (group commit); each answered. */
  acceptMessages(ms: AcceptedMessage[]): Promise<('new' | 'duplicate')[]>;
  /** Accepted messages not yet turned into alerts, oldest first. */
  pendingMessages(limit: number): Promise<AcceptedMessage[]>;
  /** A message is done: its alerts and outbox items are written. */
  markProcessed(messageId: string, at: Date): Promise<void>;
  /** Keep a message no intake can read, with why. */
  deadLetter(source: string, body: string, reason: string, at: Date): Promise<void>;
  deadLetters(): Promise<DeadLetter[]>;
}
