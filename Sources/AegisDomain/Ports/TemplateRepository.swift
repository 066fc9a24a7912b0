/// Attack procedure templates.
public protocol TemplateRepository {
    func insert(_ template: Template) throws
    func update(_ template: Template) throws -> Bool
    func delete(id: String) throws -> Bool
    func template(id: String) throws -> Template?
    /// The template imported earlier from the same source entry.
    func template(format: Template.Source.Format, sourceID: String) throws -> Template?
    func templates(techniqueID: String?, format: Template.Source.Format?, text: String?, page: PageRequest) throws
        -> Page<Template>
}
