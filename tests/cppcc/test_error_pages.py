def test_404_and_403_pages_are_chinese(client, make_user):
    from cppcc.roles import Role

    client.force_login(make_user(Role.MEMBER, username="m_err"))
    response = client.get("/members/999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    response = client.get("/members/import/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
