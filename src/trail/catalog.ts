/**
 * The event sets the investigations ask for, each following a published detection rule of the field.
 * Names are base names (versions stripped).
 */

/**
 * Changes to IAM identities and their powers — new users, keys, login profiles, policy attachments,
 * inline policies, policy versions, trust policies, group membership. Follows Elastic's AWS IAM rules
 * ("AWS IAM User Addition to Group", "AWS IAM Assume Role Policy Update", "AWS IAM Login Profile Added
 * for Root", "AWS IAM Customer-Managed Policy Attached to Role") and SigmaHQ's aws_iam_backdoor_users_keys
 * and aws_update_login_profile.
 */
export const IAM_CHANGES: readonly string[] = [
  'CreateUser',
  'DeleteUser',
  'CreateAccessKey',
  'UpdateAccessKey',
  'DeleteAccessKey',
  'CreateLoginProfile',
  'UpdateLoginProfile',
  'DeleteLoginProfile',
  'AttachUserPolicy',
  'DetachUserPolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'AttachGroupPolicy',
  'DetachGroupPolicy',
  'PutUserPolicy',
  'PutRolePolicy',
  'PutGroupPolicy',
  'DeleteUserPolicy',
  'DeleteRolePolicy',
  'DeleteGroupPolicy',
  'CreatePolicy',
  'CreatePolicyVersion',
  'SetDefaultPolicyVersion',
  'UpdateAssumeRolePolicy',
  'CreateRole',
  'DeleteRole',
  'CreateGroup',
  'AddUserToGroup',
  'RemoveUserFromGroup',
  'DeactivateMFADevice',
  'DeleteVirtualMFADevice',
];

/**
 * Attempts to blind the defenders. Follows SigmaHQ's aws_cloudtrail_disable_logging (StopLogging,
 * UpdateTrail, DeleteTrail), aws_guardduty_disruption and aws_config_disable_recording, and
 * Elastic's "AWS CloudTrail Log Suspended/Deleted/Updated",
 * "AWS GuardDuty Detector Deletion", "AWS Config Resource Deletion", "AWS EC2 Flow Log Deletion",
 * "AWS CloudWatch Log Group Deletion" and "AWS Organizations ... LeaveOrganization". PutEventSelectors
 * follows Stratus Red Team's cloudtrail-event-selectors technique (logging reduced, not stopped).
 */
export const TAMPERING: readonly { source: string; event: string }[] = [
  { source: 'cloudtrail.amazonaws.com', event: 'StopLogging' },
  { source: 'cloudtrail.amazonaws.com', event: 'DeleteTrail' },
  { source: 'cloudtrail.amazonaws.com', event: 'UpdateTrail' },
  { source: 'cloudtrail.amazonaws.com', event: 'PutEventSelectors' },
  { source: 'guardduty.amazonaws.com', event: 'DeleteDetector' },
  { source: 'guardduty.amazonaws.com', event: 'UpdateDetector' },
  { source: 'guardduty.amazonaws.com', event: 'DisassociateFromMasterAccount' },
  { source: 'guardduty.amazonaws.com', event: 'DisassociateFromAdministratorAccount' },
  { source: 'config.amazonaws.com', event: 'StopConfigurationRecorder' },
  { source: 'config.amazonaws.com', event: 'DeleteConfigurationRecorder' },
  { source: 'config.amazonaws.com', event: 'DeleteDeliveryChannel' },
  { source: 'ec2.amazonaws.com', event: 'DeleteFlowLogs' },
  { source: 'logs.amazonaws.com', event: 'DeleteLogGroup' },
  { source: 'organizations.amazonaws.com', event: 'LeaveOrganization' },
  { source: 'securityhub.amazonaws.com', event: 'DisableSecurityHub' },
];

/**
 * Refusals that show a credential probing what it may do: AccessDenied (and AccessDeniedException …)
 * and EC2's UnauthorizedOperation. Follows Elastic's "AWS IAM ... High Number of Failed Calls" idea and
 * SigmaHQ's aws_enum_* rules: bursts per principal and hour.
 */
export const DENIED_CODES: readonly string[] = [
  'AccessDenied',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
];

/** Console sign-ins (signin.amazonaws.com ConsoleLogin), as in Elastic's "AWS Management Console Root Login". */
export const CONSOLE_LOGIN = { source: 'signin.amazonaws.com', event: 'ConsoleLogin' } as const;
