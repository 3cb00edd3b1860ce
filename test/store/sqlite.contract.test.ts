import { actorAsksContract } from '../alerts/asks.contract.js';
import { inboxContract } from '../alerts/inbox.contract.js';
import { outboxQueueContract } from '../alerts/outbox-queue.contract.js';
import { repositoryContract } from '../alerts/repository.contract.js';
import { keptAnswersContract } from '../answers/kept.contract.js';
import { auditLogContract } from '../audit/log.contract.js';
import { geoBaselinesContract } from '../geo/baselines.contract.js';
import { tempStore } from '../helpers/alerts.js';
import { mutesContract } from '../hygiene/mutes.contract.js';
import { hygieneRunsContract } from '../hygiene/runs.contract.js';
import { claimsContract } from '../schedule/claims.contract.js';

// Every port's contract against the SQLite adapter, each on a fresh file.
const fresh = () => tempStore().store;
inboxContract('SQLite', () => fresh().inbox);
repositoryContract('SQLite', () => fresh().alerts);
outboxQueueContract('SQLite', () => fresh().outbox);
hygieneRunsContract('SQLite', () => fresh().hygieneRuns);
mutesContract('SQLite', () => fresh().mutes);
auditLogContract('SQLite', () => fresh().audit);
claimsContract('SQLite', () => fresh().claims);
keptAnswersContract('SQLite', () => fresh().answers);
actorAsksContract('SQLite', () => fresh().asks);
geoBaselinesContract('SQLite', () => fresh().geo);
