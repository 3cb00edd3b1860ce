/**
 * An AWS region name in any partition: us-east-1, cn-north-1, us-gov-west-1, us-iso-east-1,
 * eusc-de-east-1. The one pattern for config, flags, routing rules and alert parsing.
 */
export const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;

/** A 12-digit AWS account id. */
export const ACCOUNT_ID = /^\d{12}$/;
