#include "safetensors/safetensors_folder.h"

#include <filesystem>
#include <set>

#include "gguf/gguf_strings.h"
#include "safetensors/safetensors_json.h"
#include "util/mapped_file.h"

namespace qt {
namespace {

namespace fs = std::filesystem;

// Why `shard` is not a plain file name inside the folder, or "" when it is one.
std::string shard_name_problem(const std::string& shard) {
    if (shard.empty()) return "is empty";
    if (shard == "." || shard == "..") return "names a folder, not a file";
    if (shard.find_first_of("/\\") != std::string::npos) return "has a path separator (shards must lie in the folder)";
    if (find_control_char(shard) != std::string::npos) return "has a control character";
    return "";
}

}  // namespace

std::unique_ptr<SafetensorsFolder> SafetensorsFolder::open(const std::string& path) {
    std::unique_ptr<SafetensorsFolder> f(new SafetensorsFolder());
    std::error_code ec;
    std::string single;
    if (fs::is_directory(path, ec)) {
        const fs::path folder(path);
        if (fs::exists(folder / kSingleFileName, ec)) {
            single = (folder / kSingleFileName).string();
        } else if (fs::exists(folder / kIndexFileName, ec)) {
            f->index_path_ = (folder / kIndexFileName).string();
        } else {
            throw ModelFileError(path + ": folder has neither " + kSingleFileName + " nor " + kIndexFileName);
        }
    } else if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0) {
        f->index_path_ = path;
    } else {
        single = path;
    }
    if (!single.empty()) {
        f->source_ = single;
        f->shards_.push_back(SafetensorsFile::open(single));
        for (const auto& t : f->shards_[0]->tensors()) f->entries_.emplace(t.name, SafetensorsEntry{f->shards_[0].get(), &t});
        return f;
    }
    f->source_ = f->index_path_;
    f->open_index();
    return f;
}

void SafetensorsFolder::open_index() {
    const auto fail = [&](std::string_view place, const std::string& problem) {
        throw_model_error(index_path_, place, problem);
    };
    const MappedFile bytes(index_path_);
    if (bytes.size() > kMaxIndexLength)
        fail("index", "file is " + std::to_string(bytes.size()) + " bytes, more than the limit of " +
                          std::to_string(kMaxIndexLength) + " (100 MiB)");
    const nlohmann::json index = parse_strict_json(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), index_path_, "index");
    if (!index.is_object()) fail("index", "is " + json_kind(index) + ", expected a JSON object");
    const auto map_it = index.find("weight_map");
    if (map_it == index.end()) fail("index", "has no \"weight_map\"");
    const nlohmann::json& weight_map = *map_it;
    if (!weight_map.is_object()) fail("weight_map", "is " + json_kind(weight_map) + ", expected an object");
    if (weight_map.empty()) fail("weight_map", "is empty: the index names no tensor");

    // Every name is checked before any shard is opened, so that a hostile name
    // never reaches the file system.
    std::map<std::string, std::vector<std::string>> by_shard;  // shard -> the tensors mapped to it
    for (const auto& [name, shard] : weight_map.items()) {
        const std::string place = "weight_map " + quote_for_message(name);
        if (!shard.is_string()) fail(place, "shard is " + json_kind(shard) + ", expected a file name");
        const auto& file = shard.get_ref<const std::string&>();
        if (const std::string problem = shard_name_problem(file); !problem.empty())
            fail(place, "shard name " + quote_for_message(file) + " " + problem);
        by_shard[file].push_back(name);
    }

    const fs::path folder = fs::path(index_path_).parent_path();
    for (const auto& [file, names] : by_shard) {
        const std::string shard_path = (folder / file).string();
        std::error_code ec;
        if (!fs::exists(shard_path, ec))
            fail("weight_map " + quote_for_message(names.front()), "shard " + quote_for_message(file) +
                                                                    " does not exist in the index's folder");
        shards_.push_back(SafetensorsFile::open(shard_path));
        const SafetensorsFile* opened = shards_.back().get();
        for (const std::string& name : names) {
            const SafetensorsTensor* t = opened->find_tensor(name);
            if (!t) fail("weight_map " + quote_for_message(name), "tensor is not in its shard " + quote_for_message(file));
            entries_.emplace(name, SafetensorsEntry{opened, t});
        }
    }
    // Now every mapped tensor is where the index says; any other tensor of a
    // shard is one the index does not know of, or a second copy.
    for (const auto& shard : shards_) {
        for (const SafetensorsTensor& t : shard->tensors()) {
            const auto it = entries_.find(t.name);
            if (it == entries_.end()) shard->fail(safetensors_tensor_place(t.name), "is not in the index's weight_map");
            if (it->second.file != shard.get())
                shard->fail(safetensors_tensor_place(t.name), "is in two shards: this one and " +
                                                                  quote_for_message(it->second.file->path()) +
                                                                  ", where the index maps it");
        }
    }
}

SafetensorsEntry SafetensorsFolder::find(std::string_view name) const {
    const auto it = entries_.find(name);
    return it == entries_.end() ? SafetensorsEntry{} : it->second;
}

SafetensorsEntry SafetensorsFolder::get(std::string_view name) const {
    if (const SafetensorsEntry e = find(name)) return e;
    throw_model_error(source_, safetensors_tensor_place(name), "required tensor is missing");
}

std::vector<std::string> SafetensorsFolder::tensor_names() const {
    std::vector<std::string> names;
    names.reserve(entries_.size());
    for (const auto& [name, entry] : entries_) names.push_back(name);
    return names;
}

}  // namespace qt
