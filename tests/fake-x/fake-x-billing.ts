// What X's pay-per-use plan would bill for the answers the fake gave: every
// resource returned (posts in `data` and `includes.tweets`, users in `data`
// of user lookups and `includes.users`), each charged once per UTC day however
// often it is read ("Deduplication" in X's pricing page); Activity API events
// are billed per event, post.delete not at all. Requests are counted too,
// since older plans capped them.
export interface DayBill {
  day: string;
  requests: number;
  /** Posts returned, counting repeats. */
  postsReturned: number;
  /** Distinct posts returned that day: what X bills as "Posts: Read". */
  postsBilled: number;
  usersReturned: number;
  usersBilled: number;
  /** Posts that arrived on a stream (filtered stream or Activity post.create). */
  streamPosts: number;
  /** Activity profile events delivered (billed per event). */
  profileEvents: number;
}

interface Day {
  requests: number;
  postsReturned: number;
  posts: Set<string>;
  usersReturned: number;
  users: Set<string>;
  streamPosts: number;
  profileEvents: number;
}

type Json = Record<string, unknown>;
const ids = (items: unknown): string[] =>
  (Array.isArray(items) ? items : items ? [items] : []).flatMap((i) =>
    typeof (i as Json)?.id === 'string' ? [(i as Json).id as string] : [],
  );

export class Billing {
  private readonly days = new Map<string, Day>();

  constructor(private readonly now: () => number = Date.now) {}

  private today(): Day {
    const key = new Date(this.now()).toISOString().slice(0, 10);
    let day = this.days.get(key);
    if (!day) {
      day = {
        requests: 0,
        postsReturned: 0,
        posts: new Set(),
        usersReturned: 0,
        users: new Set(),
        streamPosts: 0,
        profileEvents: 0,
      };
      this.days.set(key, day);
    }
    return day;
  }

  /** One answered REST request and the resources in its body. */
  recordResponse(body: Json, isUserEndpoint: boolean): void {
    const day = this.today();
    day.requests += 1;
    const includes = (body.includes ?? {}) as Json;
    const posts = [...(isUserEndpoint ? [] : ids(body.data)), ...ids(includes.tweets)];
    const users = [...(isUserEndpoint ? ids(body.data) : []), ...ids(includes.users)];
    this.addPosts(day, posts);
    day.usersReturned += users.length;
    users.forEach((id) => day.users.add(id));
  }

  /** A post (and the posts and users it expands) pushed on a stream. */
  recordStreamPost(body: Json): void {
    const day = this.today();
    const includes = (body.includes ?? {}) as Json;
    const posts = [...ids(body.data), ...ids(includes.tweets)];
    day.streamPosts += 1;
    this.addPosts(day, posts);
    const users = ids(includes.users);
    day.usersReturned += users.length;
    users.forEach((id) => day.users.add(id));
  }

  recordProfileEvent(): void {
    this.today().profileEvents += 1;
  }

  report(): DayBill[] {
    return [...this.days].map(([day, d]) => ({
      day,
      requests: d.requests,
      postsReturned: d.postsReturned,
      postsBilled: d.posts.size,
      usersReturned: d.usersReturned,
      usersBilled: d.users.size,
      streamPosts: d.streamPosts,
      profileEvents: d.profileEvents,
    }));
  }

  reset(): void {
    this.days.clear();
  }

  private addPosts(day: Day, posts: string[]): void {
    day.postsReturned += posts.length;
    posts.forEach((id) => day.posts.add(id));
  }
}
