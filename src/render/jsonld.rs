//! schema.org JSON-LD: `BlogPosting` for posts, and reviews for shout-outs about a
//! product.
//!
//! Only rated customer shout-outs with a `product` get review markup (the visibility
//! decision's `review`): search engines treat reviews of the business itself as
//! self-serving, and insiders' ratings are not reviews (FTC 16 CFR 465). Every value comes from the same view the page shows
//! (display name after consent, sanitised quote text), so the markup can never say more
//! than the visible page.

use serde_json::{Value, json};

use super::context::{PageView, ProductStats, ShoutoutView};

/// A post's `BlogPosting`, from the values its page shows: headline, dates, authors (the
/// site when it names none), image, publisher and the page it is the main entity of, with
/// that page's `BreadcrumbList` (home, the posts listing at `posts`, the post) as the
/// header's links show the way there.
pub fn for_post(
    view: &PageView,
    site_title: &str,
    (home, posts): (&str, &str),
    posts_title: &str,
) -> Option<String> {
    let authors: Vec<Value> = if view.authors.is_empty() {
        vec![json!({ "@type": "Organization", "name": site_title, "url": home })]
    } else {
        view.authors
            .iter()
            .map(|name| json!({ "@type": "Person", "name": name }))
            .collect()
    };
    let mut post = json!({
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": view.title,
        "url": view.permalink,
        "mainEntityOfPage": {
            "@type": "WebPage",
            "@id": view.permalink,
            "breadcrumb": breadcrumbs(&[
                (site_title, home),
                (posts_title, posts),
                (view.title, &view.permalink),
            ]),
        },
        "author": authors,
        "publisher": { "@type": "Organization", "name": site_title, "url": home },
    });
    if let Some(date) = &view.date {
        post["datePublished"] = json!(date);
        post["dateModified"] = json!(view.updated.as_ref().unwrap_or(date));
    }
    if let Some(image) = &view.image {
        post["image"] = json!([image]);
    }
    if let Some(description) = view.description {
        post["description"] = json!(description);
    }
    script_safe(&post)
}

/// A `BreadcrumbList` of (name, absolute URL), from the top.
fn breadcrumbs(trail: &[(&str, &str)]) -> Value {
    let items: Vec<Value> = trail
        .iter()
        .enumerate()
        .map(|(i, (name, url))| {
            json!({ "@type": "ListItem", "position": i + 1, "name": name, "item": url })
        })
        .collect();
    json!({ "@type": "BreadcrumbList", "itemListElement": items })
}

/// A `Review` of `card`'s product.
fn review(card: &ShoutoutView) -> Value {
    let mut review = json!({
        "@type": "Review",
        "author": { "@type": "Person", "name": card.display_name },
        "reviewBody": card.quote_text,
    });
    if let Some(rating) = card.rating {
        review["reviewRating"] =
            json!({ "@type": "Rating", "ratingValue": rating, "bestRating": 5, "worstRating": 1 });
    }
    if let Some(date) = &card.date {
        review["datePublished"] = json!(date.get(..10).unwrap_or(date));
    }
    review
}

/// A `Product` with its aggregate rating (over its published customer ratings) and the
/// reviews among `cards` that are about it.
fn product(stats: &ProductStats, cards: &[&ShoutoutView]) -> Value {
    let mut product = json!({ "@type": "Product", "name": stats.name });
    if stats.rated > 0 {
        product["aggregateRating"] = json!({
            "@type": "AggregateRating",
            "ratingValue": stats.average,
            "reviewCount": stats.rated,
            "bestRating": 5,
            "worstRating": 1,
        });
    }
    let reviews: Vec<Value> = cards
        .iter()
        .filter(|c| c.review && c.product == Some(stats.name.as_str()))
        .map(|c| review(c))
        .collect();
    if !reviews.is_empty() {
        product["review"] = Value::Array(reviews);
    }
    product
}

/// The JSON-LD for a page showing `cards`: one `Product` per product that some card
/// reviews, or nothing when none does. Only the cards the visibility decision makes
/// reviews count (rated, by a customer, about a product): insiders' words and
/// shout-outs about the business itself never become markup. Safe to embed in a
/// `<script>` element.
pub fn for_cards(cards: &[&ShoutoutView], products: &[ProductStats]) -> Option<String> {
    let shown: Vec<Value> = products
        .iter()
        .filter(|p| {
            cards
                .iter()
                .any(|c| c.review && c.product == Some(p.name.as_str()))
        })
        .map(|p| product(p, cards))
        .collect();
    let document = match shown.len() {
        0 => return None,
        1 => {
            let mut one = shown.into_iter().next()?;
            one["@context"] = json!("https://schema.org");
            one
        }
        _ => json!({ "@context": "https://schema.org", "@graph": shown }),
    };
    script_safe(&document)
}

/// `document` as JSON that nothing in it can close or comment out the surrounding
/// `<script>` element with.
fn script_safe(document: &Value) -> Option<String> {
    let json = serde_json::to_string(document).ok()?;
    Some(
        json.replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026"),
    )
}
