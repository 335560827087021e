// GET /offers/: a user's offers a page at a time, with next_cursor and a Link rel="next" header when there is more.
import { OffersPage, OffersPageQuery } from '@app/contracts'
import { problems, type App } from '@app/service-kit'
import type { FastifyReply } from 'fastify'
import type { OffersPages } from './offers-page.service.ts'

export interface OffersPageRoutesOptions { pages: OffersPages }

/** The largest page, and what POST /offer/ {user_id} answers at most. */
export const MAX_PAGE = 100

/** RFC 8288: the next page of GET /offers/, relative to this service's root. */
export function nextLink (userId: number, limit: number, cursor: string): string {
  const query = new URLSearchParams({ user_id: String(userId), limit: String(limit), cursor })
  return `</offers/?${query.toString()}>; rel="next"`
}

/** Sets Link when there is a next page. */
export function linkNext (reply: FastifyReply, userId: number, limit: number, cursor: string | null): void {
  if (cursor !== null) reply.header('link', nextLink(userId, limit, cursor))
}

export async function offersPageRoutes (app: App, { pages }: OffersPageRoutesOptions): Promise<void> {
  app.get('/offers/', {
    schema: {
      tags: ['offers'],
      operationId: 'listOffers',
      summary: 'A page of a user\'s offers',
      description: 'Newest first (created_at, then id). `next_cursor` continues the list where this page ends, ' +
        'stable while new offers arrive; it is `null` on the last page, and otherwise also sent as ' +
        '`Link: <…>; rel="next"`. A cursor is opaque: pass it back as given, with the same `user_id`.',
      querystring: OffersPageQuery,
      response: { 200: OffersPage, ...problems(400) }
    }
  }, async (request, reply) => {
    const { user_id: userId, limit, cursor } = request.query
    const page = await pages.page(userId, limit, cursor)
    linkNext(reply, userId, limit, page.next_cursor)
    return page
  })
}
