// electron-builder afterPack hook: flips Electron's fuses in the packaged binary before it is signed.
// - RunAsNode off: the app binary cannot be used as a plain Node interpreter (ELECTRON_RUN_AS_NODE).
// - NODE_OPTIONS and --inspect ignored: nothing can inject code through the environment or a debugger flag.
// - Embedded asar integrity validation on, and the app loads only from app.asar: a tampered or
//   extracted app does not start.
// - Cookie encryption on. GrantFileProtocolExtraPrivileges stays on: the renderer is loaded from file://.
import path from 'node:path';
import { FuseV1Options, FuseVersion, flipFuses } from '@electron/fuses';

export const FUSES = {
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: true,
};

/** The Electron binary inside the packaged app. */
export function electronBinary(context) {
  const name = context.packager.appInfo.productFilename;
  switch (context.electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(context.appOutDir, `${name}.app`);
    case 'win32':
      return path.join(context.appOutDir, `${name}.exe`);
    default:
      return path.join(context.appOutDir, context.packager.executableName);
  }
}

export default async function afterPack(context) {
  const binary = electronBinary(context);
  await flipFuses(binary, { ...FUSES, resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && context.arch === 3 /* arm64 */ });
  console.log(`  • fuses flipped in ${path.relative(process.cwd(), binary)}`);
}
