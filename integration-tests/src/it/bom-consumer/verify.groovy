// Runs after the bom-consumer build succeeded (the invoker fails the IT otherwise).
import javax.xml.parsers.DocumentBuilderFactory

def log = new File(basedir, 'build.log').text

// The consumer resolved version-less portal4j dependencies through the BOM, from this build.
def api = "org/portal4j/concurrency-api/${portal4jVersion}/concurrency-api-${portal4jVersion}.jar"
assert log.contains('Tests run: 1, Failures: 0, Errors: 0, Skipped: 0') : 'the consumer test ran and passed'
assert log.contains('backends: {WORKER=virtual, LOOP=platform}') : 'adding portal-virtual made workers virtual'
assert log.contains('callInNewThread ran on a virtual thread')
def repo = new File(localRepositoryPath.toString()).canonicalFile
assert log.contains("concurrency-api loaded from ${repo.toURI().path}${api}") :
       "concurrency-api ${portal4jVersion} came from the invoker's repository ${repo}, i.e. from this build"

// The BOM as users download it: flattened, no parent, nothing but dependencyManagement.
def bomFile = new File(repo,
    "org/portal4j/portal4j-bom/${portal4jVersion}/portal4j-bom-${portal4jVersion}.pom")
assert bomFile.isFile() : "installed BOM missing: ${bomFile}"
def project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(bomFile).documentElement
def children = { parent, name -> (0..<parent.childNodes.length).collect { parent.childNodes.item(it) }
    .findAll { it.nodeType == org.w3c.dom.Node.ELEMENT_NODE && (name == null || it.nodeName == name) } }
def text = { parent, name -> children(parent, name).collect { it.textContent.trim() }.join('') }

def topLevel = children(project, null)*.nodeName as Set
for (forbidden in ['parent', 'build', 'properties', 'dependencies', 'modules', 'profiles', 'repositories']) {
  assert !topLevel.contains(forbidden) : "the published BOM must not have <${forbidden}>: ${topLevel}"
}
assert text(project, 'packaging') == 'pom'
assert text(project, 'groupId') == 'org.portal4j' && text(project, 'version') == portal4jVersion

def managed = children(children(children(project, 'dependencyManagement')[0], 'dependencies')[0], 'dependency')
def artifacts = managed.collect { d ->
  assert text(d, 'groupId') == 'org.portal4j' : "the BOM manages only portal4j artifacts"
  // flatten 1.9.0 keeps ${project.version} as written; Maven and Gradle resolve it against the
  // BOM's own version on import, which is what this checks.
  def version = text(d, 'version').replace('${project.version}', text(project, 'version'))
  assert version == portal4jVersion : "${text(d, 'artifactId')} is managed at ${text(d, 'version')}"
  text(d, 'artifactId')
} as Set
assert artifacts == ['concurrency-api', 'concurrency-core', 'concurrency-test', 'concurrency-services',
                     'concurrency-micrometer',
                     'portal-virtual', 'portal-netty'] as Set

println "bom-consumer verified: BOM import, version-less dependencies, virtual workers, clean BOM"
return true
