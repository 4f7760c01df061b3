package io.roster.notification.web;

import java.util.List;

/** A page of a list endpoint: {@code {items, nextCursor}}, nextCursor null on the last page. */
public record Page<T>(List<T> items, String nextCursor) {
}
