//! The values built once per build and shared by every template: cards, post lists, the
//! `site` value, and the hashes of what shortcodes read.

use std::sync::Arc;

use rayon::prelude::*;
use tera::Value;

use crate::fingerprint::fingerprint;
use crate::markdown::Rendered;
use crate::site::Site;
use crate::theme::Theme;

use super::bodies::{Bodies, RenderCache, cached_view};
use super::context::{
    PageView, ProductStats, RatingStats, SegmentView, ShoutoutView, TagView, Urls,
};
use super::images::{Avatar, ImageView};
use super::templates::{Lists, PostLists};

/// Everything a shortcode can read: the shout-outs (with their visibility decisions) and
/// segments (and whether each is published), the shortcode templates (see [`shortcode_templates`]) and the config.
pub(super) fn shortcode_inputs(site: &Site, templates: u64) -> u64 {
    let shoutouts: Vec<u64> = site.shoutouts.iter().map(|s| s.source.revision).collect();
    let segments: Vec<u64> = site.segments.iter().map(|s| s.source.revision).collect();
    fingerprint(&(
        shoutouts,
        &site.shown,
        segments,
        &site.hidden_shoutouts,
        templates,
        site.config.fingerprint(),
    ))
}

/// The templates shortcodes render with, hashed.
pub(super) fn shortcode_templates(theme: &Theme) -> u64 {
    let templates: Vec<(&String, &str)> = theme
        .templates
        .iter()
        .filter(|(name, _)| name.starts_with("shortcodes/") || name.starts_with("partials/"))
        .map(|(name, t)| (name, t.text.as_str()))
        .collect();
    fingerprint(&templates)
}

/// What every card and summary view also depends on besides its own item: the config
/// (title in disclosures, consent rules, URLs) and the segments' names and paths.
pub(super) fn view_context(site: &Site) -> u64 {
    let segments: Vec<(&str, &str, &str)> = site
        .segments
        .iter()
        .map(|s| (s.slug.as_str(), s.meta.title.as_str(), s.path.as_str()))
        .collect();
    fingerprint(&(site.config.fingerprint(), segments))
}

pub(super) fn build_lists(
    site: &Site,
    quotes: &[Arc<Rendered>],
    urls: &Urls,
    (avatars, heroes): (&[Option<Avatar>], &[Option<ImageView>]),
    cache: Option<&dyn RenderCache>,
) -> Lists {
    let context = view_context(site);
    let shoutouts: Vec<Value> = site
        .shoutouts
        .par_iter()
        .zip(&*site.shown)
        .zip(quotes)
        .zip(avatars)
        .map(|(((s, v), b), a)| card_value(site, urls, cache, context, (s, v, a.as_ref()), b))
        .collect();
    let empty = Rendered::default();
    Lists {
        slugs: site.slug_style(),
        posts: Default::default(),
        shoutouts,
        shoutout_tags: site
            .shoutouts
            .iter()
            .map(|s| s.meta.tags.iter().map(|t| site.slug(t)).collect())
            .collect::<Vec<_>>()
            .into(),
        shoutout_featured: site.shoutouts.iter().map(|s| s.meta.featured).collect(),
        segment_shoutouts: Arc::new(
            site.segments
                .iter()
                .zip(&*site.segment_shoutouts)
                .map(|(s, members)| (s.slug.clone(), members.clone()))
                .collect(),
        ),
        segments: Arc::new(
            site.segments
                .iter()
                .zip(heroes)
                .map(|(s, hero)| {
                    let view = SegmentView::new(urls, s, &empty, false, hero.as_ref());
                    (s.slug.clone(), Value::from_serializable(&view))
                })
                .collect(),
        ),
        wall_path: site.config.shoutouts.wall_path.clone(),
        ratings: Value::from_serializable(&RatingStats::new(site)),
    }
}

pub(super) fn post_lists(
    site: &Site,
    bodies: &Bodies,
    urls: &Urls,
    cache: Option<&dyn RenderCache>,
) -> PostLists {
    let context = view_context(site);
    PostLists {
        values: site
            .posts
            .par_iter()
            .zip(&bodies.posts)
            .map(|(p, b)| summary_value(site, urls, cache, context, p, b))
            .collect(),
        tags: post_tag_slugs(site),
        segments: site
            .posts
            .iter()
            .map(|p| p.meta.segments.clone())
            .collect::<Vec<_>>()
            .into(),
    }
}

/// Each post's tag slugs (what `posts(tag=...)` asks `contains` of), from the site's tag
/// lists, which already grouped every spelling under its slug: slugging every tag of
/// every post again was most of this list's time at 10k posts.
pub(super) fn post_tag_slugs(site: &Site) -> Arc<[Vec<String>]> {
    let mut slugs = vec![Vec::new(); site.posts.len()];
    for tag in site.tags.iter() {
        for &post in &tag.posts {
            slugs[post].push(tag.slug.clone());
        }
    }
    slugs.into()
}

/// A shout-out's card as a template value; `context` is [`view_context`].
pub(super) fn card_value(
    site: &Site,
    urls: &Urls,
    cache: Option<&dyn RenderCache>,
    context: u64,
    (shoutout, shown, avatar): (
        &crate::content::Shoutout,
        &crate::visibility::Visibility,
        Option<&Avatar>,
    ),
    quote: &Rendered,
) -> Value {
    let view = || {
        Value::from_serializable(&ShoutoutView::new(
            site, urls, shoutout, shown, quote, avatar,
        ))
    };
    // The decision can change while the file does not (a photo file appearing beside it),
    // and the photo's file can change under the same name.
    let photo = avatar.map(|a| (&a.src, &a.webp));
    let context = fingerprint(&(context, shown, photo));
    item_view(
        cache,
        "card",
        &shoutout.source,
        &shoutout.path,
        quote,
        context,
        view,
    )
}

/// A post's listing entry as a template value; `context` is [`view_context`].
pub(super) fn summary_value(
    site: &Site,
    urls: &Urls,
    cache: Option<&dyn RenderCache>,
    context: u64,
    post: &crate::content::Page,
    body: &Rendered,
) -> Value {
    let view = || Value::from_serializable(&PageView::new(site, urls, post, body, false));
    item_view(
        cache,
        "summary",
        &post.source,
        &post.path,
        body,
        context,
        view,
    )
}

/// A view of one item, from `cache` while the item's file, URL, rendered body and the
/// shared view context are the same.
pub(super) fn item_view(
    cache: Option<&dyn RenderCache>,
    kind: &'static str,
    source: &crate::content::Source,
    path: &str,
    body: &Rendered,
    context: u64,
    make: impl FnOnce() -> Value,
) -> Value {
    let key = fingerprint(&(source.revision, body.revision, path, context));
    cached_view(cache, kind, &source.content_path, key, make)
}

/// `site` in every template: listings as shared values, plus tags and rating stats.
pub(super) fn site_value(
    site: &Site,
    urls: &Urls,
    (lists, menu): (&Lists, &Value),
    bodies: &[Arc<Rendered>],
) -> Value {
    let mut map = tera::Map::new();
    map.insert("menu".into(), menu.clone());
    map.insert("data".into(), Value::from_serializable(&*site.data));
    let posts = lists
        .posts
        .get()
        .map(|p| p.values.clone())
        .unwrap_or_default();
    map.insert("posts".into(), Value::from(posts));
    let pages: Vec<Value> = site
        .pages
        .iter()
        .zip(bodies)
        .map(|(p, b)| Value::from_serializable(&PageView::new(site, urls, p, b, false)))
        .collect();
    map.insert("pages".into(), Value::from(pages));
    map.insert("shoutouts".into(), Value::from(lists.shoutouts.clone()));
    let segments: Vec<Value> = site
        .segments
        .iter()
        .map(|s| lists.segments[&s.slug].clone())
        .collect();
    map.insert("segments".into(), Value::from(segments));
    let tags: Vec<TagView> = site.tags.iter().map(|t| TagView::new(urls, t)).collect();
    map.insert("tags".into(), Value::from_serializable(&tags));
    map.insert("ratings".into(), lists.ratings.clone());
    map.insert(
        "products".into(),
        Value::from_serializable(&ProductStats::all(site)),
    );
    map.insert("wall_url".into(), Value::from(urls.url(&site.wall_path())));
    let shoutouts = &site.config.shoutouts;
    let policy = shoutouts.policy.then(|| urls.url(&site.policy_path()));
    map.insert("policy_url".into(), Value::from_serializable(&policy));
    // Absolute: it is pasted into other sites.
    let embed = shoutouts
        .embed
        .then(|| urls.permalink(&site.embed_wall_path()));
    map.insert("embed_url".into(), Value::from_serializable(&embed));
    map.insert(
        "og_locale".into(),
        Value::from(super::context::og_locale(&site.config.language)),
    );
    map.insert(
        "shoutouts_feed_url".into(),
        Value::from(urls.url(&format!("{}atom.xml", site.wall_path()))),
    );
    Value::from(map)
}
