//! The Kubernetes manifests in docker/k8s/ agree with the image they run (docker/Dockerfile) and
//! with the tool's configuration: they parse as YAML, the CronJob runs as the image's non-root
//! user on a read-only root with /work writable, its passwords come from the Secret as files, and
//! its ConfigMap's INI file with that environment is a valid configuration. (No cluster runs
//! here: what a cluster does with them is not tested; docker/ci.sh runs the image itself.)

use std::{collections::BTreeMap, path::Path};

use source_to_staging::{ConfigSources, RawValues, Settings};
use yaml_rust2::{Yaml, YamlLoader};

fn repo_file(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// `doc[a][b]...`, failing with the path when a step is missing.
fn at<'a>(doc: &'a Yaml, path: &[&str]) -> &'a Yaml {
    let mut node = doc;
    for (i, step) in path.iter().enumerate() {
        node = match node {
            Yaml::Hash(_) => &node[*step],
            _ => panic!("{} is not a mapping", path[..i].join(".")),
        };
        assert!(!node.is_badvalue(), "{} is missing", path[..=i].join("."));
    }
    node
}

fn text<'a>(doc: &'a Yaml, path: &[&str]) -> &'a str {
    at(doc, path)
        .as_str()
        .unwrap_or_else(|| panic!("{} is not a string", path.join(".")))
}

fn list<'a>(doc: &'a Yaml, path: &[&str]) -> &'a [Yaml] {
    at(doc, path)
        .as_vec()
        .unwrap_or_else(|| panic!("{} is not a list", path.join(".")))
}

/// The documents of docker/k8s/cronjob.yaml by kind.
fn manifests() -> BTreeMap<String, Yaml> {
    let docs = YamlLoader::load_from_str(&repo_file("docker/k8s/cronjob.yaml")).expect("YAML");
    let mut by_kind = BTreeMap::new();
    for doc in docs {
        let kind = text(&doc, &["kind"]).to_string();
        assert!(by_kind.insert(kind.clone(), doc).is_none(), "two {kind}s");
    }
    by_kind
}

/// The value of the Dockerfile's last `instruction` line of the runtime stage.
fn dockerfile(instruction: &str) -> String {
    repo_file("docker/Dockerfile")
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("{instruction} ")))
        .next_back()
        .unwrap_or_else(|| panic!("no {instruction} in docker/Dockerfile"))
        .trim()
        .to_string()
}

#[test]
fn the_cronjob_runs_the_image_as_its_user_read_only_with_secrets_as_files() {
    let kinds = manifests();
    let job = &kinds["CronJob"];
    assert_eq!(text(job, &["apiVersion"]), "batch/v1");
    assert_eq!(text(job, &["spec", "concurrencyPolicy"]), "Forbid");
    let pod = at(job, &["spec", "jobTemplate", "spec", "template", "spec"]);
    assert_eq!(text(pod, &["restartPolicy"]), "Never");
    let containers = list(pod, &["containers"]);
    assert_eq!(containers.len(), 1);
    let container = &containers[0];

    // The image's own user, and not root.
    let user = dockerfile("USER");
    let (uid, gid) = user.split_once(':').expect("USER uid:gid");
    let security = at(pod, &["securityContext"]);
    assert_eq!(at(security, &["runAsNonRoot"]).as_bool(), Some(true));
    assert_eq!(at(security, &["runAsUser"]).as_i64(), uid.parse().ok());
    assert_eq!(at(security, &["runAsGroup"]).as_i64(), gid.parse().ok());
    assert_eq!(at(security, &["fsGroup"]).as_i64(), gid.parse().ok());
    let own = at(container, &["securityContext"]);
    assert_eq!(at(own, &["readOnlyRootFilesystem"]).as_bool(), Some(true));
    assert_eq!(
        at(own, &["allowPrivilegeEscalation"]).as_bool(),
        Some(false)
    );

    // Mounts by path, volumes by name.
    let volumes: BTreeMap<&str, &Yaml> = list(pod, &["volumes"])
        .iter()
        .map(|v| (text(v, &["name"]), v))
        .collect();
    let mounts: BTreeMap<&str, &Yaml> = list(container, &["volumeMounts"])
        .iter()
        .map(|m| {
            let name = text(m, &["name"]);
            assert!(volumes.contains_key(name), "no volume {name}");
            (text(m, &["mountPath"]), volumes[name])
        })
        .collect();
    // The image's working folder, the only one it writes to, is writable: an emptyDir.
    let workdir = dockerfile("WORKDIR");
    assert!(
        at(mounts[workdir.as_str()], &["emptyDir"])
            .as_hash()
            .is_some(),
        "{workdir} is not an emptyDir"
    );

    // The arguments: the INI file from the ConfigMap, the report on the reports claim.
    let args: Vec<&str> = list(container, &["args"])
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let arg = |flag: &str| {
        let i = args.iter().position(|a| *a == flag).unwrap();
        Path::new(args[i + 1])
    };
    let ini_path = arg("--config");
    let config_volume = mounts[ini_path.parent().unwrap().to_str().unwrap()];
    let config_map = &kinds["ConfigMap"];
    assert_eq!(
        text(config_volume, &["configMap", "name"]),
        text(config_map, &["metadata", "name"])
    );
    let ini = text(
        config_map,
        &["data", ini_path.file_name().unwrap().to_str().unwrap()],
    );
    let report = arg("--report");
    let reports = mounts[report.parent().unwrap().to_str().unwrap()];
    assert_eq!(
        text(reports, &["persistentVolumeClaim", "claimName"]),
        text(&kinds["PersistentVolumeClaim"], &["metadata", "name"])
    );

    // Each *_FILE variable names a key of the Secret in the Secret's mount.
    let secret = &kinds["Secret"];
    let mut environment = Vec::new();
    for var in list(container, &["env"]) {
        environment.push((
            text(var, &["name"]).to_string(),
            text(var, &["value"]).to_string(),
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let mut overrides = Vec::new();
    let mut passwords = BTreeMap::new();
    for (name, value) in &environment {
        let value = Path::new(value);
        let Some(stem) = name.strip_suffix("_PASSWORD_FILE") else {
            overrides.push((name.clone(), value.display().to_string()));
            continue;
        };
        let mount = mounts[value.parent().unwrap().to_str().unwrap()];
        assert_eq!(
            text(mount, &["secret", "secretName"]),
            text(secret, &["metadata", "name"])
        );
        let key = value.file_name().unwrap().to_str().unwrap();
        let password = text(secret, &["stringData", key]);
        // The file as Kubernetes writes it, here.
        let file = dir.path().join(key);
        std::fs::write(&file, password).unwrap();
        overrides.push((name.clone(), file.display().to_string()));
        passwords.insert(stem.to_string(), password.to_string());
    }
    assert_eq!(
        passwords.keys().collect::<Vec<_>>(),
        ["DST", "SRC"],
        "both passwords come from files"
    );

    // The ConfigMap's INI file with that environment is a valid configuration...
    let ini_file = dir.path().join("source_to_staging.ini");
    std::fs::write(&ini_file, ini).unwrap();
    let raw = RawValues::load(&ConfigSources {
        config_file: Some(ini_file.clone()),
        overrides: overrides.clone(),
        environment: false,
    })
    .unwrap_or_else(|e| panic!("the ConfigMap's INI file: {e}"));
    assert!(raw.unknown_keys.is_empty(), "{:?}", raw.unknown_keys);
    let settings = Settings::from_values(&raw).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        settings
            .source
            .as_ref()
            .unwrap()
            .password
            .as_ref()
            .unwrap()
            .expose(),
        passwords["SRC"]
    );
    assert_eq!(
        settings.target.password.as_ref().unwrap().expose(),
        passwords["DST"]
    );
    // ... in which the INI file sets none of the variables (it would win over them) and no
    // password.
    let ini_alone = RawValues::load(&ConfigSources {
        config_file: Some(ini_file),
        ..ConfigSources::default()
    })
    .unwrap();
    for key in overrides
        .iter()
        .map(|(k, _)| k.as_str())
        .chain(["SRC_PASSWORD", "DST_PASSWORD"])
    {
        assert!(
            ini_alone.origin(key).is_none_or(|o| o == "default"),
            "the ConfigMap's INI file sets {key}"
        );
    }
}
