import Foundation

extension NavigatorLayer {
    /// The domains a layer may name.
    public static let domains: Set<String> = ["enterprise-attack", "mobile-attack", "ics-attack"]

    /// The layer as UTF-8 JSON of layer format 4.5: keys in the order of the
    /// format's documentation, four-space indented (`pretty`) or without
    /// whitespace, nil optionals omitted, so equal layers give equal bytes.
    ///
    /// Throws `INVALID_ARGUMENT` (field: the layer-relative path, e.g.
    /// `gradient.colors`, `techniques[3].score`) for what Navigator would
    /// refuse: an empty name or technique id, an unknown domain, a gradient
    /// with fewer than two colors or `maxValue <= minValue`, a color that is
    /// not `#rrggbb`/`#rrggbbaa`, a score that is not finite.
    public func jsonData(pretty: Bool = true) throws(AegisError) -> Data {
        try validate()
        return pretty ? Data(json.text.utf8) : json.compactData
    }

    private func validate() throws(AegisError) {
        func refuse(_ field: String, _ message: String) -> AegisError {
            AegisError.invalidArgument(field, "\(field): \(message)")
        }
        if name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw refuse("name", "must not be empty") }
        if !Self.domains.contains(domain) {
            throw refuse("domain", "must be enterprise-attack, mobile-attack or ics-attack")
        }
        if navigatorVersion.isEmpty { throw refuse("navigatorVersion", "must not be empty") }
        if gradient.colors.count < 2 { throw refuse("gradient.colors", "needs at least two colors") }
        if !gradient.colors.allSatisfy(HexColor.isValid) { throw refuse("gradient.colors", "must be #rrggbb colors") }
        guard gradient.minValue.isFinite, gradient.maxValue.isFinite, gradient.maxValue > gradient.minValue else {
            throw refuse("gradient", "maxValue must be greater than minValue")
        }
        for (i, item) in legendItems.enumerated() where !HexColor.isValid(item.color) {
            throw refuse("legendItems[\(i)].color", "must be a #rrggbb color")
        }
        if !HexColor.isValid(tacticRowBackground) { throw refuse("tacticRowBackground", "must be a #rrggbb color") }
        for (i, t) in techniques.enumerated() {
            if t.techniqueID.allSatisfy(\.isWhitespace) {
                throw refuse("techniques[\(i)].techniqueID", "must not be empty")
            }
            if let score = t.score, !score.isFinite {
                throw refuse("techniques[\(i)].score", "must be a finite number")
            }
            if let color = t.color, !HexColor.isValid(color) {
                throw refuse("techniques[\(i)].color", "must be a #rrggbb color")
            }
        }
    }

    private var json: OrderedJSON {
        var versions: [(String, OrderedJSON)] = []
        if let attackVersion { versions.append(("attack", .string(attackVersion))) }
        versions += [("navigator", .string(navigatorVersion)), ("layer", .string(Self.formatVersion))]

        var members: [(String, OrderedJSON)] = [
            ("name", .string(name)),
            ("versions", .object(versions)),
            ("domain", .string(domain)),
            ("description", .string(description)),
        ]
        if let platforms {
            members.append(("filters", .object([("platforms", .array(platforms.map(OrderedJSON.string)))])))
        }
        members += [
            ("sorting", .number(Double(sorting.rawValue))),
            ("layout", layout.json),
            ("hideDisabled", .bool(hideDisabled)),
            ("techniques", .array(techniques.map(\.json))),
            (
                "gradient",
                .object([
                    ("colors", .array(gradient.colors.map(OrderedJSON.string))),
                    ("minValue", .number(gradient.minValue)),
                    ("maxValue", .number(gradient.maxValue)),
                ])
            ),
            (
                "legendItems",
                .array(legendItems.map { .object([("label", .string($0.label)), ("color", .string($0.color))]) })
            ),
            ("showTacticRowBackground", .bool(showTacticRowBackground)),
            ("tacticRowBackground", .string(tacticRowBackground)),
            ("selectTechniquesAcrossTactics", .bool(selectTechniquesAcrossTactics)),
            ("selectSubtechniquesWithParent", .bool(selectSubtechniquesWithParent)),
            ("selectVisibleTechniques", .bool(selectVisibleTechniques)),
            ("metadata", .array(metadata.map(\.json))),
            ("links", .array(links.map(\.json))),
        ]
        return .object(members)
    }
}

extension NavigatorLayer.Technique {
    fileprivate var json: OrderedJSON {
        var members: [(String, OrderedJSON)] = [("techniqueID", .string(techniqueID))]
        if let tactic { members.append(("tactic", .string(tactic))) }
        if let score { members.append(("score", .number(score))) }
        if let color { members.append(("color", .string(color))) }
        members += [
            ("comment", .string(comment)),
            ("enabled", .bool(enabled)),
            ("metadata", .array(metadata.map(\.json))),
            ("links", .array(links.map(\.json))),
            ("showSubtechniques", .bool(showSubtechniques)),
        ]
        return .object(members)
    }
}

extension NavigatorLayer.Layout {
    fileprivate var json: OrderedJSON {
        .object([
            ("layout", .string(layout.rawValue)),
            ("showID", .bool(showID)),
            ("showName", .bool(showName)),
            ("showAggregateScores", .bool(showAggregateScores)),
            ("countUnscored", .bool(countUnscored)),
            ("aggregateFunction", .string(aggregateFunction.rawValue)),
            ("expandedSubtechniques", .string(expandedSubtechniques.rawValue)),
        ])
    }
}

extension NavigatorLayer.Metadata {
    fileprivate var json: OrderedJSON {
        switch self {
        case .item(let name, let value): .object([("name", .string(name)), ("value", .string(value))])
        case .divider: .object([("divider", .bool(true))])
        }
    }
}

extension NavigatorLayer.Link {
    fileprivate var json: OrderedJSON {
        switch self {
        case .link(let label, let url): .object([("label", .string(label)), ("url", .string(url))])
        case .divider: .object([("divider", .bool(true))])
        }
    }
}
