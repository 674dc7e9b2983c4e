// What the fake X knows: users, posts (every version), media. Objects are
// kept in the API's own snake_case shape with every field filled in; the
// renderer picks the fields a request asks for.
import { compareIds } from '../../src/core/ids.js';
import { nextSnowflake } from './snowflakes.js';

export interface FakeUser {
  id: string;
  username: string;
  name: string;
  created_at?: string;
  description?: string;
  protected?: boolean;
  verified?: boolean;
  verified_type?: string;
  profile_image_url?: string;
  public_metrics?: Record<string, number>;
  [field: string]: unknown;
}

export interface FakePost {
  id: string;
  text: string;
  author_id: string;
  created_at: string;
  edit_history_tweet_ids: string[];
  conversation_id?: string;
  in_reply_to_user_id?: string;
  referenced_tweets?: { type: 'retweeted' | 'quoted' | 'replied_to'; id: string }[];
  attachments?: { media_keys?: string[]; poll_ids?: string[] };
  entities?: Record<string, unknown>;
  note_tweet?: { text: string; entities?: Record<string, unknown> };
  lang?: string;
  possibly_sensitive?: boolean;
  reply_settings?: string;
  edit_controls?: { edits_remaining: number; is_edit_eligible: boolean; editable_until: string };
  public_metrics?: Record<string, number>;
  [field: string]: unknown;
}

export interface FakeMedia {
  media_key: string;
  type: 'photo' | 'video' | 'animated_gif';
  url?: string;
  preview_image_url?: string;
  variants?: { bit_rate?: number; content_type: string; url: string }[];
  alt_text?: string;
  width?: number;
  height?: number;
  duration_ms?: number;
  [field: string]: unknown;
}

/** A poll as X returns it in includes.polls (counts as of now). */
export interface FakePoll {
  id: string;
  options: { position: number; label: string; votes: number }[];
  voting_status?: 'open' | 'closed';
  duration_minutes?: number;
  end_datetime?: string;
  [field: string]: unknown;
}

/** A place as X returns it in includes.places. */
export interface FakePlace {
  id: string;
  full_name: string;
  name?: string;
  country?: string;
  country_code?: string;
  place_type?: string;
  geo?: { type: 'Feature'; bbox: number[]; properties: Record<string, unknown> };
  contained_within?: string[];
  [field: string]: unknown;
}

export type UserStatus = 'active' | 'suspended' | 'protected';

/** Everything needed to rebuild a fake: what a fixture file holds and what `snapshot()` returns. */
export interface FakeXData {
  users?: (FakeUser & { status?: UserStatus })[];
  posts?: (FakePost & { deleted?: boolean })[];
  media?: FakeMedia[];
  polls?: FakePoll[];
  places?: FakePlace[];
}

/** The timeline only reaches this many of a user's most recent posts. */
export const TIMELINE_DEPTH = 3200;
/** With exclude=replies the timeline reaches fewer posts. */
export const TIMELINE_DEPTH_WITHOUT_REPLIES = 800;

export class FakeXState {
  readonly users = new Map<string, FakeUser>();
  readonly userStatus = new Map<string, UserStatus>();
  readonly posts = new Map<string, FakePost>();
  readonly deleted = new Set<string>();
  readonly media = new Map<string, FakeMedia>();
  readonly polls = new Map<string, FakePoll>();
  readonly places = new Map<string, FakePlace>();

  addUser(user: FakeUser, status: UserStatus = 'active'): FakeUser {
    this.users.set(user.id, { ...user });
    this.userStatus.set(user.id, status);
    return user;
  }

  addPost(post: FakePost): FakePost {
    if (!this.users.has(post.author_id)) throw new Error(`fake X: no user ${post.author_id} for post ${post.id}`);
    const full = { ...post, edit_history_tweet_ids: post.edit_history_tweet_ids ?? [post.id] };
    this.posts.set(post.id, full);
    return full;
  }

  addMedia(media: FakeMedia): FakeMedia {
    this.media.set(media.media_key, { ...media });
    return media;
  }

  addPoll(poll: FakePoll): FakePoll {
    this.polls.set(poll.id, structuredClone(poll));
    return poll;
  }

  addPlace(place: FakePlace): FakePlace {
    this.places.set(place.id, structuredClone(place));
    return place;
  }

  userByUsername(username: string): FakeUser | undefined {
    const wanted = username.toLowerCase();
    for (const user of this.users.values()) if (user.username.toLowerCase() === wanted) return user;
    return undefined;
  }

  /** The latest version of each live post of a user, newest first. */
  timeline(userId: string): FakePost[] {
    const out: FakePost[] = [];
    for (const post of this.posts.values()) {
      if (post.author_id !== userId || this.deleted.has(post.id) || !this.isLatest(post)) continue;
      out.push(post);
    }
    return out.sort((a, b) => compareIds(b.id, a.id));
  }

  isLatest(post: FakePost): boolean {
    return post.edit_history_tweet_ids.at(-1) === post.id;
  }

  /** Edits a post: a new ID, the chain of IDs oldest first on every version. */
  editPost(id: string, changes: Partial<FakePost> & { at?: Date | string }): FakePost {
    const old = this.posts.get(id);
    if (!old || this.deleted.has(id)) throw new Error(`fake X: no live post ${id} to edit`);
    const latest = this.posts.get(old.edit_history_tweet_ids.at(-1)!)!;
    const at = changes.at ? new Date(changes.at) : new Date();
    const newId = nextSnowflake(at);
    const chain = [...latest.edit_history_tweet_ids, newId];
    const { at: _at, ...fields } = changes;
    const edited: FakePost = {
      ...latest,
      ...fields,
      id: newId,
      created_at: toXTime(at),
      edit_history_tweet_ids: chain,
    };
    if (latest.edit_controls) {
      edited.edit_controls = {
        ...latest.edit_controls,
        edits_remaining: Math.max(0, latest.edit_controls.edits_remaining - 1),
      };
    }
    for (const versionId of chain.slice(0, -1)) {
      const version = this.posts.get(versionId);
      if (version) version.edit_history_tweet_ids = chain;
    }
    this.posts.set(newId, edited);
    return edited;
  }

  /** Deleting any version deletes the whole chain. */
  deletePost(id: string): void {
    const post = this.posts.get(id);
    if (!post) throw new Error(`fake X: no post ${id} to delete`);
    for (const versionId of post.edit_history_tweet_ids) this.deleted.add(versionId);
    this.deleted.add(id);
  }

  renameUser(id: string, username: string): FakeUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`fake X: no user ${id} to rename`);
    user.username = username;
    return user;
  }

  setUserStatus(id: string, status: UserStatus): void {
    if (!this.users.has(id)) throw new Error(`fake X: no user ${id}`);
    this.userStatus.set(id, status);
  }

  load(data: FakeXData): void {
    for (const { status, ...user } of data.users ?? []) this.addUser(user as FakeUser, status ?? 'active');
    for (const media of data.media ?? []) this.addMedia(media);
    for (const poll of data.polls ?? []) this.addPoll(poll);
    for (const place of data.places ?? []) this.addPlace(place);
    for (const { deleted, ...post } of data.posts ?? []) {
      this.addPost(post as FakePost);
      if (deleted) this.deleted.add(post.id);
    }
  }

  snapshot(): Required<FakeXData> {
    return {
      users: [...this.users.values()].map((u) => ({ ...u, status: this.userStatus.get(u.id) ?? 'active' })),
      posts: [...this.posts.values()].map((p) => ({ ...p, ...(this.deleted.has(p.id) ? { deleted: true } : {}) })),
      media: [...this.media.values()],
      polls: [...this.polls.values()],
      places: [...this.places.values()],
    };
  }
}

/** X prints created_at with second precision and `.000` milliseconds. */
export function toXTime(at: Date): string {
  return new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString();
}
