#include "simulator/replay/yaml_bounds.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <limits>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "simulator/model/data_file.h"

namespace pcsim::replay {
namespace {

std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string TooDeep(int max_depth) { return "nesting deeper than " + std::to_string(max_depth) + " levels"; }

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// ------------------------------------------------------------ pass 1: the text
//
// A line scanner that follows YAML's structure far enough to count nesting:
// block collections by the column of their entries ("- ", "? ", "key:"), flow
// collections by their brackets (and the one-pair mappings "[a: b]" makes),
// skipping comments and the text of scalars (plain, quoted, block), and
// following yaml-cpp where it reads YAML its own way. It holds no recursion
// and no copy of the text. It is an estimate, meant to err on the deep side;
// the exact count follows on yaml-cpp's events (pass 2).
class NestingScan {
 public:
  NestingScan(std::string_view text, int limit) : text_(text), limit_(limit) {}

  // The line (from 1) where the nesting first exceeds the limit, if it does.
  std::optional<int> Run() {
    size_t start = text_.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    // Lines end as yaml-cpp ends them: at "\n" or "\r\n" (a lone "\r" is text).
    while (true) {
      size_t end = text_.find('\n', start);
      if (end == std::string_view::npos) end = text_.size();
      ++line_;
      std::string_view line = text_.substr(start, end - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      Line(line);
      if (exceeded_) return line_;
      if (end == text_.size()) return std::nullopt;
      start = end + 1;
    }
  }

  int deepest() const { return deepest_; }

 private:
  struct Block {
    size_t column;
    bool sequence;  // else a mapping
  };

  static size_t SkipBlanks(std::string_view line, size_t pos) {
    while (pos < line.size() && IsBlank(line[pos])) ++pos;
    return pos;
  }

  static bool IsTagCharacter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("-#;/?:@&=+$,_.~*'()!%").find(c) != std::string_view::npos;
  }

  static bool IsDocumentMarker(std::string_view line) {
    return (line.substr(0, 3) == "---" || line.substr(0, 3) == "...") && (line.size() == 3 || IsBlank(line[3]));
  }

  // A collection (or a mapping around a key) at `depth`.
  void Reached(size_t depth) {
    node_peak_ = std::max(node_peak_, depth);
    if (!flow_.empty()) {
      flow_.back().entry_peak = std::max(flow_.back().entry_peak, depth);
      flow_.back().peak = std::max(flow_.back().peak, depth);
    }
    deepest_ = std::max(deepest_, static_cast<int>(std::min<size_t>(depth, std::numeric_limits<int>::max())));
    if (depth > static_cast<size_t>(limit_)) exceeded_ = true;
  }

  // A block collection with an entry at `column`: the open one of that kind
  // there, else a new one (a sequence may sit at the column of the mapping
  // whose value it is; a key at that column ends such a sequence).
  void Open(size_t column, bool sequence) {
    if (!block_.empty() && block_.back().column == column) {
      if (block_.back().sequence == sequence) return;
      if (block_.back().sequence) {
        block_.pop_back();
        if (!block_.empty() && block_.back().column == column && !block_.back().sequence) return;
      }
    }
    block_.push_back({column, sequence});
    Reached(Depth());
  }

  void Line(std::string_view line) {
    if (literal_) {
      size_t indent = SkipBlanks(line, 0);
      bool blank = indent == line.size();
      if (blank || (!IsDocumentMarker(line) && static_cast<long>(line.find_first_not_of(' ')) > literal_parent_)) return;
      literal_ = false;
    }
    if (quote_ != 0 || !flow_.empty()) {
      Continue(line, 0);
      return;
    }
    if (plain_parent_ != kNone) {
      // A line indented under the collection of a plain scalar goes on with
      // its text: quotes, brackets and dashes there are letters ("a: b\n  - c"
      // is a: "b - c").
      size_t text = SkipBlanks(line, 0);
      if (text == line.size()) return;
      if (line[text] != '#' && static_cast<long>(text) > plain_parent_ && !IsDocumentMarker(line)) return;
      plain_parent_ = kNone;
    }
    size_t indent = line.find_first_not_of(' ');
    if (indent == std::string_view::npos) return;
    size_t first = SkipBlanks(line, indent);
    if (first == line.size() || line[first] == '#') return;
    if (indent == 0 && IsDocumentMarker(line)) {
      block_.clear();
      BlockNode(line, 3);
      return;
    }
    if (indent == 0 && line[0] == '%') return;  // a directive
    // A token's column counts a tab as one, as yaml-cpp counts it.
    while (!block_.empty() && block_.back().column > first) block_.pop_back();
    bool after_empty_value = empty_value_;
    empty_value_ = false;
    // yaml-cpp reads "a:\n: b" as a: {~: b}, a mapping inside the empty value.
    if (after_empty_value && line[first] == ':' && (first + 1 == line.size() || IsBlank(line[first + 1]))) {
      block_.push_back({first, false});
      Reached(Depth());
    }
    BlockNode(line, first);
  }

  // The rest of a quoted scalar or of a flow collection begun on an earlier line.
  void Continue(std::string_view line, size_t pos) {
    while (true) {
      if (quote_ != 0) {
        pos = SkipQuoted(line, pos);
        if (quote_ != 0) return;
      }
      if (!flow_.empty()) {
        pos = ScanFlow(line, pos);
        if (quote_ != 0) continue;
        if (!flow_.empty()) return;
      }
      if (AfterNode(line, pos, node_column_)) BlockNode(line, after_);
      return;
    }
  }

  // From a node's start in block context to the end of the line.
  void BlockNode(std::string_view line, size_t pos) {
    size_t properties = std::string_view::npos;  // where an anchor or a tag before the node began
    while (!exceeded_) {
      pos = SkipBlanks(line, pos);
      if (pos >= line.size() || line[pos] == '#') {
        empty_value_ = true;  // the line ends after an indicator or a key: its node follows
        return;
      }
      char c = line[pos];
      if ((c == '-' || c == '?' || c == ':') && (pos + 1 == line.size() || IsBlank(line[pos + 1]))) {
        Open(std::min(pos, properties), c == '-');  // "! : x": an empty key with a tag
        properties = std::string_view::npos;
        ++pos;
        continue;
      }
      if ((c == '&' || c == '!') && properties == std::string_view::npos) properties = pos;
      if (c == '&') {  // an anchor before the node: up to a blank or a flow indicator
        ++pos;
        while (pos < line.size() && !IsBlank(line[pos]) && std::string_view("[]{},").find(line[pos]) == std::string_view::npos)
          ++pos;
        continue;
      }
      if (c == '!') {  // a tag: "!<verbatim>", or the characters yaml-cpp reads in one
        ++pos;
        if (pos < line.size() && line[pos] == '<') {
          size_t close = line.find('>', pos);
          pos = close == std::string_view::npos ? line.size() : close + 1;
        } else {
          while (pos < line.size() && IsTagCharacter(line[pos])) ++pos;
        }
        continue;
      }
      // A mapping whose first key has an anchor or a tag sits at their column.
      size_t column = std::min(pos, properties);
      properties = std::string_view::npos;
      if (c == '[' || c == '{') {
        node_peak_ = 0;
        in_plain_ = false;
        OpenFlow(c);
        pos = ScanFlow(line, pos + 1);
        if (quote_ != 0 || !flow_.empty()) {
          node_column_ = column;
          return;
        }
      } else if (c == '"' || c == '\'') {
        node_peak_ = 0;
        quote_ = c;
        pos = SkipQuoted(line, pos + 1);
        if (quote_ != 0) {
          node_column_ = column;
          return;
        }
      } else if (c == '|' || c == '>') {
        literal_ = true;
        literal_parent_ = block_.empty() ? -1 : static_cast<long>(block_.back().column);
        return;
      } else if (c == '*') {
        node_peak_ = 0;
        while (pos < line.size() && !IsBlank(line[pos])) ++pos;
      } else {
        // A plain scalar: a key when ": " follows it on the line.
        size_t colon = std::string_view::npos;
        bool comment = false;
        for (size_t i = pos; i < line.size(); ++i) {
          if (line[i] == '#' && i > pos && IsBlank(line[i - 1])) {
            comment = true;
            break;
          }
          if (line[i] == ':' && (i + 1 == line.size() || IsBlank(line[i + 1]))) {
            colon = i;
            break;
          }
        }
        if (colon == std::string_view::npos) {
          if (!comment) plain_parent_ = block_.empty() ? -1 : static_cast<long>(block_.back().column);
          return;
        }
        Open(column, false);
        pos = colon + 1;
        continue;
      }
      if (!AfterNode(line, pos, column)) return;
      pos = after_;
    }
  }

  // After a quoted scalar, a flow collection or an alias: a key if ':'
  // follows, and then its value. True when a value follows (at after_).
  bool AfterNode(std::string_view line, size_t pos, size_t column) {
    pos = SkipBlanks(line, pos);
    if (pos >= line.size() || line[pos] != ':') return false;
    // A key: the node was inside a mapping all along ("[a, [b]]: c").
    size_t before = block_.size(), peak = node_peak_;
    Open(column, false);
    if (block_.size() > before && peak > 0) Reached(peak + 1);
    after_ = pos + 1;
    return true;
  }

  // Inside a quoted scalar (quote_): past its closing quote, or the line's end.
  size_t SkipQuoted(std::string_view line, size_t pos) {
    for (; pos < line.size(); ++pos) {
      if (quote_ == '"') {
        if (line[pos] == '\\') {
          ++pos;
        } else if (line[pos] == '"') {
          quote_ = 0;
          return pos + 1;
        }
      } else if (line[pos] == '\'') {
        if (pos + 1 < line.size() && line[pos + 1] == '\'') {
          ++pos;
        } else {
          quote_ = 0;
          return pos + 1;
        }
      }
    }
    return line.size();
  }

  // A ':' or '?' that makes a pair in a flow sequence; a ':' inside a plain
  // scalar ("[a:b]", an item id) does not.
  static bool PairIndicator(std::string_view line, size_t pos) {
    char c = line[pos];
    if (c != ':' && c != '?') return false;
    bool last = pos + 1 == line.size();
    if (c == '?') return last || IsBlank(line[pos + 1]);
    if (last || std::string_view(" \t,[]{}").find(line[pos + 1]) != std::string_view::npos) return true;
    return pos > 0 && std::string_view("\"']}").find(line[pos - 1]) != std::string_view::npos;
  }

  // Inside flow collections: past the one that closes the outermost, or the
  // line's end (or a quoted scalar's start that the line does not close).
  size_t ScanFlow(std::string_view line, size_t pos) {
    for (; pos < line.size() && !flow_.empty() && !exceeded_; ++pos) {
      char c = line[pos];
      if (in_plain_) {
        // Inside a plain scalar quotes are letters; a flow indicator, a ':'
        // before a blank or one, or a comment ends it (a line's end does not).
        bool ends = std::string_view(",[]{}").find(c) != std::string_view::npos ||
                    (c == ':' && PairIndicator(line, pos)) || (c == '#' && (pos == 0 || IsBlank(line[pos - 1])));
        if (!ends) continue;
        in_plain_ = false;
      }
      if (IsBlank(c)) continue;
      if (c == '[' || c == '{') {
        OpenFlow(c);
      } else if (c == ']' || c == '}') {
        while (!flow_.empty() && flow_.back().kind == 'p') CloseFlow();
        if (!flow_.empty()) CloseFlow();
      } else if (PairIndicator(line, pos)) {
        Flow& entry = flow_.back();
        if (entry.kind == '[') {
          // "[a: b]": a mapping of one pair inside the sequence, around the
          // entry read so far (which may be a collection: "[[a]: b]").
          size_t key_peak = entry.entry_peak;
          OpenFlow('p');
          Reached(key_peak + 1);
          flow_.back().colon = c == ':';
        } else if (c == ':' && entry.colon) {
          // yaml-cpp reads "{a: : b}" as {a: {~: b}}: a pair inside the value.
          OpenFlow('p');
          flow_.back().colon = true;
        } else if (c == ':') {
          entry.colon = true;
        }
      } else if (c == ',') {
        while (!flow_.empty() && flow_.back().kind == 'p') CloseFlow();
        if (!flow_.empty()) {
          flow_.back().entry_peak = Depth();
          flow_.back().colon = false;
        }
      } else if (c == '"' || c == '\'') {
        quote_ = c;
        pos = SkipQuoted(line, pos + 1);
        if (quote_ != 0) return pos;
        --pos;
      } else if (c == '#') {
        return line.size();  // a comment starts wherever a token could
      } else if (c == '&' || c == '*') {  // an anchor or an alias: its name, then a token
        while (pos + 1 < line.size() && !IsBlank(line[pos + 1]) &&
               std::string_view(",[]{}").find(line[pos + 1]) == std::string_view::npos)
          ++pos;
      } else if (c == '!') {  // a tag, then the node: "[! ? a]" is a pair
        if (pos + 1 < line.size() && line[pos + 1] == '<') {
          size_t close = line.find('>', pos);
          pos = close == std::string_view::npos ? line.size() - 1 : close;
        } else {
          while (pos + 1 < line.size() && IsTagCharacter(line[pos + 1]) && line[pos + 1] != ',') ++pos;  // ',' ends it here
        }
      } else {
        in_plain_ = true;
      }
    }
    return pos;
  }

  size_t Depth() const { return block_.size() + flow_.size(); }

  void OpenFlow(char kind) {
    flow_.push_back({kind, Depth() + 1, Depth() + 1, false});
    Reached(Depth());
  }

  // Closes the innermost flow collection; its deepest entry counts for the
  // entry of the collection around it.
  void CloseFlow() {
    size_t peak = flow_.back().peak;
    flow_.pop_back();
    if (!flow_.empty()) {
      flow_.back().entry_peak = std::max(flow_.back().entry_peak, peak);
      flow_.back().peak = std::max(flow_.back().peak, peak);
    }
  }

  std::string_view text_;
  int limit_;
  int line_ = 0;
  int deepest_ = 0;
  bool exceeded_ = false;
  std::vector<Block> block_;
  struct Flow {
    char kind;          // '[', '{', or 'p' for a one-pair mapping in a sequence
    size_t entry_peak;  // the deepest nesting of its current entry
    size_t peak;        // the deepest nesting of all its entries
    bool colon;         // its current entry has had its ':'
  };
  std::vector<Flow> flow_;
  char quote_ = 0;          // inside a quoted scalar that spans lines
  size_t node_column_ = 0;  // where that scalar or flow collection began
  bool literal_ = false;    // inside a block scalar ("|" or ">")
  long literal_parent_ = -1;
  size_t after_ = 0;
  bool empty_value_ = false;  // the last line ended where a node was due
  bool in_plain_ = false;  // inside a plain scalar in flow context
  static constexpr long kNone = -2;
  long plain_parent_ = kNone;  // after a plain scalar in block context: its collection's column
  size_t node_peak_ = 0;  // the deepest nesting inside the last node begun in block context
};

// ---------------------------------------------------- pass 2: yaml-cpp events

class ShapeCheck : public YAML::EventHandler {
 public:
  struct Stop {
    YamlBoundsError error;
  };

  // `measure`: count the written depth only, never stop.
  ShapeCheck(YamlBounds bounds, bool measure) : bounds_(bounds), measure_(measure) {}

  int deepest_written() const { return deepest_written_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnAnchor(const YAML::Mark&, const std::string& name) override { anchor_name_ = name; }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { Leaf(mark, anchor); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    Leaf(mark, anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Start(mark, anchor);
  }
  void OnSequenceEnd() override { End(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    Start(mark, anchor);
  }
  void OnMapEnd() override { End(); }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (measure_) return;
    auto it = anchors_.find(anchor);
    std::string name = "*" + Excerpt(names_[anchor]);
    if (it == anchors_.end()) Fail(mark, "the alias " + name + " refers to a node that contains it (a cycle)");
    if (static_cast<int>(open_.size()) + it->second.height > bounds_.max_depth)
      Fail(mark, TooDeep(bounds_.max_depth) + " through the alias " + name);
    Count(mark, it->second.nodes, true);
    Child(it->second.height);
  }

 private:
  struct Shape {
    uint64_t nodes = 0;
    int height = 0;  // 0 for a scalar, 1 for a collection of scalars, ...
  };
  struct Open {
    uint64_t nodes_before;
    int child_height;
    YAML::anchor_t anchor;
  };

  [[noreturn]] void Fail(const YAML::Mark& mark, std::string reason) const {
    throw Stop{{mark.line + 1, std::move(reason)}};
  }

  void Named(YAML::anchor_t anchor) {
    if (anchor != 0) names_[anchor] = std::move(anchor_name_);
    anchor_name_.clear();
  }

  void Count(const YAML::Mark& mark, uint64_t nodes, bool alias) {
    if (measure_) return;
    aliased_ = aliased_ || alias;
    nodes_ += nodes;  // no overflow: both terms are at most max_nodes
    if (nodes_ > bounds_.max_nodes)
      Fail(mark, aliased_ ? "the document expands to more than " + Thousands(bounds_.max_nodes) +
                                " nodes through YAML aliases"
                          : "the document has more than " + Thousands(bounds_.max_nodes) + " nodes");
  }

  void Child(int height) {
    if (!open_.empty()) open_.back().child_height = std::max(open_.back().child_height, height);
  }

  void Leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    Named(anchor);
    Count(mark, 1, false);
    Child(0);
    if (anchor != 0) anchors_[anchor] = {1, 0};
  }

  void Start(const YAML::Mark& mark, YAML::anchor_t anchor) {
    Named(anchor);
    uint64_t before = nodes_;
    Count(mark, 1, false);
    int depth = static_cast<int>(open_.size()) + 1;
    deepest_written_ = std::max(deepest_written_, depth);
    if (!measure_ && depth > bounds_.max_depth) Fail(mark, TooDeep(bounds_.max_depth));
    open_.push_back({before, 0, anchor});
  }

  void End() {
    Open done = open_.back();
    open_.pop_back();
    int height = done.child_height + 1;
    Child(height);
    if (done.anchor != 0) anchors_[done.anchor] = {nodes_ - done.nodes_before, height};
  }

  YamlBounds bounds_;
  bool measure_;
  uint64_t nodes_ = 0;
  bool aliased_ = false;
  int deepest_written_ = 0;
  std::vector<Open> open_;
  std::unordered_map<YAML::anchor_t, Shape> anchors_;  // complete anchored nodes
  std::unordered_map<YAML::anchor_t, std::string> names_;
  std::string anchor_name_;
};

}  // namespace

std::optional<YamlBoundsError> FindControlCharacter(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') continue;
    // Lines as yaml-cpp counts them: "\r\n" or "\n" ends one.
    int line = static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(i), '\n')) + 1;
    static const char* kHex = "0123456789ABCDEF";
    std::string code = std::string("0x") + kHex[c >> 4] + kHex[c & 15];
    return YamlBoundsError{line, "not valid YAML: a control character (" + code +
                                     ") in the text (scenario files are UTF-8 text)"};
  }
  return std::nullopt;
}

std::optional<YamlBoundsError> ScanYamlNesting(std::string_view text, int max_depth) {
  NestingScan scan(text, max_depth);
  if (auto line = scan.Run()) return YamlBoundsError{*line, TooDeep(max_depth)};
  return std::nullopt;
}

int EstimateYamlNesting(std::string_view text) {
  NestingScan scan(text, std::numeric_limits<int>::max());
  scan.Run();
  return scan.deepest();
}

std::optional<YamlBoundsError> CheckYamlShape(std::string_view text, YamlBounds bounds) {
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  ShapeCheck check(bounds, false);
  try {
    parser.HandleNextDocument(check);
  } catch (const ShapeCheck::Stop& stop) {
    return stop.error;
  } catch (const YAML::Exception&) {
    // A syntax error: the load reports it with its line.
  }
  return std::nullopt;
}

std::optional<int> ExactYamlNesting(std::string_view text) {
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  ShapeCheck check({}, true);
  try {
    parser.HandleNextDocument(check);
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
  return check.deepest_written();
}

}  // namespace pcsim::replay
