//! Distances on the earth's surface: the geofence rule the phone and the server must agree on.

/// Mean earth radius in metres (IUGG), the radius the haversine formula uses.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A point in WGS-84 degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub latitude: f64,
    pub longitude: f64,
}

/// Great-circle distance in metres between two points (haversine).
pub fn distance_m(a: Point, b: Point) -> f64 {
    let (la1, la2) = (a.latitude.to_radians(), b.latitude.to_radians());
    let dla = la2 - la1;
    let dlo = (b.longitude - a.longitude).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Whether a GPS fix at `at` with the given accuracy (metres, the radius of its error circle) may
/// lie within `radius_m` of `centre`: the benefit of the doubt goes to the caregiver, up to the
/// fix's own accuracy — a fix whose accuracy is worse than the fence itself proves nothing and is
/// judged as if its accuracy were the radius.
pub fn within_fence(centre: Point, at: Point, accuracy_m: f64, radius_m: f64) -> bool {
    let slack = accuracy_m.clamp(0.0, radius_m);
    distance_m(centre, at) <= radius_m + slack
}

/// Whether a coordinate pair is a valid WGS-84 position.
pub fn valid(latitude: f64, longitude: f64) -> bool {
    latitude.is_finite()
        && longitude.is_finite()
        && (-90.0..=90.0).contains(&latitude)
        && (-180.0..=180.0).contains(&longitude)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIANANMEN: Point = Point { latitude: 39.9087, longitude: 116.3975 };

    #[test]
    fn known_distances() {
        // Beijing (Tiananmen) to Shanghai (People's Square): about 1,067 km.
        let shanghai = Point { latitude: 31.2304, longitude: 121.4737 };
        let d = distance_m(TIANANMEN, shanghai);
        assert!((1_060_000.0..1_075_000.0).contains(&d), "{d}");
        // One thousandth of a degree of latitude is about 111 m everywhere.
        let north = Point { latitude: TIANANMEN.latitude + 0.001, ..TIANANMEN };
        assert!((110.0..112.5).contains(&distance_m(TIANANMEN, north)));
        assert_eq!(distance_m(TIANANMEN, TIANANMEN), 0.0);
    }

    #[test]
    fn fence_allows_for_accuracy_but_not_beyond_its_radius() {
        // 0.003° north: about 334 m away.
        let near = Point { latitude: TIANANMEN.latitude + 0.003, ..TIANANMEN };
        assert!(!within_fence(TIANANMEN, near, 10.0, 300.0));
        assert!(within_fence(TIANANMEN, near, 40.0, 300.0));
        assert!(within_fence(TIANANMEN, near, 0.0, 340.0));
        // A very poor fix is judged with at most the radius as slack: 700 m away is out at 300 m.
        let far = Point { latitude: TIANANMEN.latitude + 0.0063, ..TIANANMEN };
        assert!(!within_fence(TIANANMEN, far, 5_000.0, 300.0));
    }

    #[test]
    fn validity() {
        assert!(valid(36.07, 120.38));
        assert!(!valid(91.0, 0.0));
        assert!(!valid(0.0, f64::NAN));
    }
}
