/**
 * The deletions `who-deleted` knows, and which request parameter names the deleted resource. Event
 * names are the base names (Lambda's versioned DeleteFunction20150331 matches DeleteFunction). The set
 * follows the destructive-action lists of SigmaHQ's AWS CloudTrail rules (e.g. aws_s3_bucket_deletion,
 * aws_iam_user_deletion, aws_cloudtrail_disable_logging, aws_kms_key_deletion) and the resource keys
 * each service records in `requestParameters`.
 */
export interface DeletionKind {
  /** Base event name. */
  event: string;
  /** The service that records it (eventSource). */
  source: string;
  /** What is deleted, for people. */
  kind: string;
  /** Dotted paths into requestParameters that name the deleted resource; arrays are walked. */
  keys: string[];
  /** The resource type in the resource's ARN ('role' in arn:aws:iam::1:role/x), where it has one. */
  arnType?: string | undefined;
}

const d = (
  event: string,
  service: string,
  kind: string,
  arnType: string | undefined,
  ...keys: string[]
): DeletionKind => ({
  event,
  source: `${service}.amazonaws.com`,
  kind,
  keys,
  arnType,
});

/** Every deletion `who-deleted` searches for. */
export const DELETIONS: readonly DeletionKind[] = [
  d('DeleteBucket', 's3', 'S3 bucket', undefined, 'bucketName'),
  d('DeleteUser', 'iam', 'IAM user', 'user', 'userName'),
  d('DeleteRole', 'iam', 'IAM role', 'role', 'roleName'),
  d('DeletePolicy', 'iam', 'IAM policy', 'policy', 'policyArn'),
  d('DeleteGroup', 'iam', 'IAM group', 'group', 'groupName'),
  d('DeleteAccessKey', 'iam', 'IAM access key', undefined, 'accessKeyId'),
  d('DeleteLoginProfile', 'iam', 'console password', 'user', 'userName'),
  d('DeleteInstanceProfile', 'iam', 'instance profile', 'instance-profile', 'instanceProfileName'),
  d('DeleteSAMLProvider', 'iam', 'SAML provider', 'saml-provider', 'sAMLProviderArn'),
  d('DeleteTrail', 'cloudtrail', 'CloudTrail trail', 'trail', 'name'),
  d('TerminateInstances', 'ec2', 'EC2 instance', 'instance', 'instancesSet.items.instanceId'),
  d('DeleteSecurityGroup', 'ec2', 'security group', 'security-group', 'groupId', 'groupName'),
  d('DeleteVpc', 'ec2', 'VPC', 'vpc', 'vpcId'),
  d('DeleteSubnet', 'ec2', 'subnet', 'subnet', 'subnetId'),
  d('DeleteVolume', 'ec2', 'EBS volume', 'volume', 'volumeId'),
  d('DeleteSnapshot', 'ec2', 'EBS snapshot', 'snapshot', 'snapshotId'),
  d('DeleteKeyPair', 'ec2', 'key pair', 'key-pair', 'keyName', 'keyPairId'),
  d(
    'DeleteFlowLogs',
    'ec2',
    'VPC flow log',
    'vpc-flow-log',
    'DeleteFlowLogsRequest.FlowLogId.content',
    'flowLogIds',
  ),
  d('DeleteFunction', 'lambda', 'Lambda function', 'function', 'functionName'),
  d('DeleteDBInstance', 'rds', 'RDS instance', 'db', 'dBInstanceIdentifier'),
  d('DeleteDBCluster', 'rds', 'RDS cluster', 'cluster', 'dBClusterIdentifier'),
  d('DeleteDBSnapshot', 'rds', 'RDS snapshot', 'snapshot', 'dBSnapshotIdentifier'),
  d('DeleteTable', 'dynamodb', 'DynamoDB table', 'table', 'tableName'),
  d('ScheduleKeyDeletion', 'kms', 'KMS key (deletion scheduled)', 'key', 'keyId'),
  d('DeleteSecret', 'secretsmanager', 'secret', 'secret', 'secretId'),
  d('DeleteParameter', 'ssm', 'SSM parameter', 'parameter', 'name'),
  d('DeleteParameters', 'ssm', 'SSM parameters', 'parameter', 'names'),
  d('DeleteTopic', 'sns', 'SNS topic', undefined, 'topicArn'),
  d('DeleteQueue', 'sqs', 'SQS queue', undefined, 'queueUrl'),
  d('DeleteLogGroup', 'logs', 'log group', 'log-group', 'logGroupName'),
  d('DeleteRepository', 'ecr', 'ECR repository', 'repository', 'repositoryName'),
  d('DeleteCluster', 'eks', 'EKS cluster', 'cluster', 'name'),
  d('DeleteStack', 'cloudformation', 'CloudFormation stack', 'stack', 'stackName'),
  d('DeleteDetector', 'guardduty', 'GuardDuty detector', 'detector', 'detectorId'),
  d('DeleteHostedZone', 'route53', 'Route 53 hosted zone', 'hostedzone', 'id'),
  d('DeleteDistribution', 'cloudfront', 'CloudFront distribution', 'distribution', 'id'),
  d('DeleteFileSystem', 'elasticfilesystem', 'EFS file system', 'file-system', 'fileSystemId'),
  d(
    'DeleteLoadBalancer',
    'elasticloadbalancing',
    'load balancer',
    'loadbalancer',
    'loadBalancerArn',
    'loadBalancerName',
  ),
];

const byKey = new Map(DELETIONS.map((k) => [`${k.source} ${k.event}`, k]));

/** The deletion an event is, if `who-deleted` knows it. */
export function deletionKind(source: string, baseName: string): DeletionKind | undefined {
  return byKey.get(`${source} ${baseName}`);
}

/** The distinct base event names of every known deletion. */
export const DELETION_EVENT_NAMES: readonly string[] = [...new Set(DELETIONS.map((k) => k.event))];

/**
 * Does a question ask only for deletions `who-deleted` knows? Those name their resource in
 * requestParameters, so a resource pre-filter need not read responseElements for it (the who-deleted
 * benchmark's path stays as fast as it was).
 */
export function asksOnlyDeletions(q: { eventNames?: readonly string[] | undefined }): boolean {
  return q.eventNames?.every((n) => DELETION_EVENT_NAMES.includes(n)) ?? false;
}
