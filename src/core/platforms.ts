// The platforms onrecord archives: one descriptor per platform, one line
// each. Everything platform-neutral (references users type, permalinks,
// version rules, import formats) is derived from here. Pure.
import type { PlatformDescriptor } from './platform-descriptor.js';
import { mastodonPlatform } from './mastodon-platform.js';
import { feedPlatform } from './feed-platform.js';
import { bskyPlatform } from './bsky-platform.js';
import { findObjectWithId } from './raw-payload.js';
import { xPlatform } from './x-platform.js';

export type { PlatformDescriptor } from './platform-descriptor.js';

export const PLATFORM_DESCRIPTORS = [xPlatform, bskyPlatform, mastodonPlatform, feedPlatform] as const;

export type Platform = (typeof PLATFORM_DESCRIPTORS)[number]['name'];

export const PLATFORMS: readonly Platform[] = PLATFORM_DESCRIPTORS.map((d) => d.name);

const BY_NAME = new Map<string, PlatformDescriptor>(PLATFORM_DESCRIPTORS.map((d) => [d.name, d]));

export function isPlatform(name: string): name is Platform {
  return BY_NAME.has(name);
}

/** The descriptor of a platform; undefined for a name no descriptor has. */
export function platformDescriptor(name: string): PlatformDescriptor | undefined {
  return BY_NAME.get(name);
}

/** The platform whose posts an import format holds; undefined for a format of no one platform (onrecord's own). */
export function platformOfImportFormat(format: string): Platform | undefined {
  return PLATFORM_DESCRIPTORS.find((d) => (d.importFormats as readonly string[]).includes(format))?.name;
}

/** True when a version is kept even when its content equals the version before it (see PlatformDescriptor). */
export function editsHaveOwnIds(platform: string): boolean {
  return platformDescriptor(platform)?.editsHaveOwnIds ?? false;
}

/** The object a version came from in its capture's payload (see PlatformDescriptor.findRawVersion). */
export function findRawVersion(platform: string, payload: unknown, versionId: string): Record<string, unknown> | null {
  const find = platformDescriptor(platform)?.findRawVersion;
  return find ? find(payload, versionId) : findObjectWithId(payload, versionId);
}

/** The handle a post ID names its account by, when the archive needs the user ID instead (see PlatformDescriptor.postIdHandle). */
export function postIdHandle(
  platform: string,
  id: string,
): ReturnType<NonNullable<PlatformDescriptor['postIdHandle']>> {
  return platformDescriptor(platform)?.postIdHandle?.(id);
}
