/**
 * Every source kind Ferry knows, by the name used on the command line and in connectors.
 * Each source lives in its own folder and exports one `Source`; add it here, one line.
 */
import type { Source } from './types';
import { configError } from '../errors';
import { twitterArchiveSource } from './twitter-archive';
import { emlSource } from './eml';
import { mboxSource } from './mbox';
import { whatsappChatSource } from './whatsapp-chat';
import { telegramExportSource } from './telegram-export';
import { slackExportSource } from './slack-export';
import { mattermostExportSource } from './mattermost-export';
import { linkedinMessagesSource } from './linkedin-messages';
import { googleChatSource } from './google-chat';
import { bloombergIbSource } from './bloomberg-ib';
import { bloombergMsgSource } from './bloomberg-msg';
import { discordExportSource } from './discord-export';
import { smsBackupSource } from './sms-backup';
import { facebookMessengerSource } from './facebook-messenger';
import { teamsExportSource } from './teams-export';
import { customCsvSource } from './custom-csv';
import { customXmlSource } from './custom-xml';
import { withTranscriptOption } from './shared/transcript';

const sources: Source[] = [
  withTranscriptOption(whatsappChatSource),
  withTranscriptOption(twitterArchiveSource),
  withTranscriptOption(telegramExportSource),
  emlSource, mboxSource,
  withTranscriptOption(slackExportSource), withTranscriptOption(mattermostExportSource),
  linkedinMessagesSource,
  withTranscriptOption(googleChatSource),
  bloombergIbSource,
  bloombergMsgSource,
  withTranscriptOption(discordExportSource),
  smsBackupSource,
  withTranscriptOption(facebookMessengerSource),
  teamsExportSource,
  customCsvSource,
  customXmlSource,
];

export function allSources(): readonly Source[] {
  return sources;
}

export function sourceKinds(): string[] {
  return sources.map((s) => s.spec.kind);
}

export function getSource(kind: string): Source {
  const s = sources.find((x) => x.spec.kind === kind);
  if (!s) throw configError(`unknown source kind "${kind}"; known kinds: ${sourceKinds().join(', ')}`);
  return s;
}
