from members.sorting import pinyin_key, stroke_key


def test_stroke_order_by_count_then_first_strokes():
    # 卜(2) 马(3) 王(4) 田(5) 李(7) 张(7) 赵(9): equal counts fall back to the stroke sequence,
    # 李 starts with 横 (1), 张 with 折 (5).
    names = ["赵六", "张三", "王五", "李四", "田七", "马八", "卜九"]
    assert sorted(names, key=stroke_key) == ["卜九", "马八", "王五", "田七", "李四", "张三", "赵六"]


def test_stroke_order_compares_given_names_after_surname():
    assert sorted(["王五", "王一二", "王一"], key=stroke_key) == ["王一", "王一二", "王五"]


def test_pinyin_key():
    assert pinyin_key("张三") == "zhang san"
    assert sorted(["赵六", "安娜", "张三"], key=pinyin_key) == ["安娜", "张三", "赵六"]
