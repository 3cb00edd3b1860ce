import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { paginateGetParametersByPath, SSMClient } from '@aws-sdk/client-ssm';
import { withEndpointOnErrors } from './clients.js';

/** Settings stored in Secrets Manager or SSM Parameter Store, read with the SDK's default chain (src/secrets.ts's SecretReaders). */
export function awsSecretReaders(): {
  secretString: (secretId: string) => Promise<string | undefined>;
  parametersByPath: (path: string) => Promise<{ name: string; value: string }[]>;
} {
  return {
    secretString: async (secretId) =>
      (
        await withEndpointOnErrors(new SecretsManagerClient({ maxAttempts: 3 })).send(
          new GetSecretValueCommand({ SecretId: secretId }),
        )
      ).SecretString,
    parametersByPath: async (path) => {
      const out: { name: string; value: string }[] = [];
      const client = withEndpointOnErrors(new SSMClient({ maxAttempts: 3 }));
      for await (const page of paginateGetParametersByPath(
        { client },
        { Path: path, WithDecryption: true, Recursive: false },
      ))
        for (const p of page.Parameters ?? [])
          if (p.Name && p.Value !== undefined) out.push({ name: p.Name, value: p.Value });
      return out;
    },
  };
}
