// The CIS AWS Foundations Benchmark's monitoring controls (section 4, v1.5–v3.0: 4.1–4.15): each a
// CloudWatch Logs metric filter on the log group a multi-region trail delivers to, with an alarm that
// notifies a subscribed SNS topic. The patterns are the benchmark's; deploy/cloudformation/metric-filters.yaml
// ships them (a test keeps the template and this list equal) and the posture rule checks for them.

/** One monitoring control: its number, what it watches, the metric the template names, the pattern. */
export interface CisMetricFilter {
  control: string;
  title: string;
  metric: string;
  pattern: string;
}

export const CIS_METRIC_FILTERS: readonly CisMetricFilter[] = [
  {
    control: '4.1',
    title: 'Unauthorized API calls',
    metric: 'UnauthorizedApiCalls',
    pattern:
      '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
  },
  {
    control: '4.2',
    title: 'Management console sign-in without MFA',
    metric: 'ConsoleSignInWithoutMfa',
    pattern:
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
  },
  {
    control: '4.3',
    title: 'Usage of the root account',
    metric: 'RootUsage',
    pattern:
      '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
  },
  {
    control: '4.4',
    title: 'IAM policy changes',
    metric: 'IamPolicyChanges',
    pattern:
      '{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy) }',
  },
  {
    control: '4.5',
    title: 'CloudTrail configuration changes',
    metric: 'CloudTrailChanges',
    pattern:
      '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }',
  },
  {
    control: '4.6',
    title: 'AWS Management Console authentication failures',
    metric: 'ConsoleAuthenticationFailures',
    pattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
  },
  {
    control: '4.7',
    title: 'Disabling or scheduled deletion of customer-managed KMS keys',
    metric: 'KmsKeyDisableOrDeletion',
    pattern:
      '{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }',
  },
  {
    control: '4.8',
    title: 'S3 bucket policy changes',
    metric: 'S3BucketPolicyChanges',
    pattern:
      '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }',
  },
  {
    control: '4.9',
    title: 'AWS Config configuration changes',
    metric: 'ConfigChanges',
    pattern:
      '{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }',
  },
  {
    control: '4.10',
    title: 'Security group changes',
    metric: 'SecurityGroupChanges',
    pattern:
      '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }',
  },
  {
    control: '4.11',
    title: 'Network ACL changes',
    metric: 'NaclChanges',
    pattern:
      '{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }',
  },
  {
    control: '4.12',
    title: 'Changes to network gateways',
    metric: 'NetworkGatewayChanges',
    pattern:
      '{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }',
  },
  {
    control: '4.13',
    title: 'Route table changes',
    metric: 'RouteTableChanges',
    pattern:
      '{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }',
  },
  {
    control: '4.14',
    title: 'VPC changes',
    metric: 'VpcChanges',
    pattern:
      '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }',
  },
  {
    control: '4.15',
    title: 'AWS Organizations changes',
    metric: 'OrganizationsChanges',
    pattern:
      '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) }',
  },
];

/**
 * A pattern's conditions, each as `field op value` with spaces and quotes dropped:
 * `($.eventName = "ConsoleLogin")` and `$.eventName=ConsoleLogin` are the same condition.
 */
export function patternConditions(pattern: string): Set<string> {
  const out = new Set<string>();
  for (const m of pattern.matchAll(
    /\$\.([\w.[\]]+)\s*(!=|=|NOT\s+EXISTS|IS\s+NULL)\s*("[^"]*"|[^\s()&|]*)/g,
  )) {
    const op = (m[2] as string).replace(/\s+/g, ' ');
    const value = /^(=|!=)$/.test(op) ? (m[3] as string).replace(/^"|"$/g, '') : '';
    out.add(`${m[1]} ${op} ${value}`.trim());
  }
  return out;
}

/**
 * Does a filter's pattern cover a control? Every condition of the benchmark's pattern is in it, in any
 * order and spelling of spaces and quotes (what a CIS audit asks for). A filter that adds conditions
 * still covers; one that leaves out an event name, or the MFA or root test, does not.
 */
export function coversControl(pattern: string, control: CisMetricFilter): boolean {
  const have = patternConditions(pattern);
  for (const c of patternConditions(control.pattern)) if (!have.has(c)) return false;
  return true;
}
